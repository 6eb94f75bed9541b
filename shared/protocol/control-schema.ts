/**
 * The schema of every page → gateway control message: which fields each type has, which are
 * required, and what values they take. Used by the gateway to validate what a page sends.
 */
import { ErrorCode, GATEWAY_ID_BASE, MAX_SOCKET_ID } from './constants.js';
import type { ClientMessage, TlsOptions } from './messages.js';
import { rangeOf } from './number-ranges.js';

/** A control message that does not follow the schema; `code` is BAD_MESSAGE or BAD_OPTION. */
export class ControlMessageError extends Error {
  override name = 'ControlMessageError';
  constructor(
    readonly code: typeof ErrorCode.BadMessage | typeof ErrorCode.BadOption,
    message: string,
  ) {
    super(message);
  }
}

/** How a field's value is checked. */
export type FieldType = 'string' | 'host' | 'port' | 'uint' | 'bool' | 'tls' | 'dnsQueryType';

/** The field types that can check a value of TypeScript type V (never: no field type fits). */
type FieldTypeOf<V> = [V] extends [boolean]
  ? 'bool'
  : [V] extends [number]
    ? 'port' | 'uint'
    : [V] extends ['ipv4' | 'ipv6']
      ? 'dnsQueryType'
      : [V] extends [string]
        ? 'host' | 'string'
        : [V] extends [TlsOptions]
          ? 'tls'
          : never;

/** One field's entry: `required: true` exactly when the interface makes the field required. */
type FieldSpec<M, K extends keyof M> = {} extends Pick<M, K>
  ? { readonly type: FieldTypeOf<NonNullable<M[K]>>; readonly required?: false }
  : { readonly type: FieldTypeOf<M[K]>; readonly required: true };

/**
 * The schema of message M: one entry for every field of its interface but `t`. A field added to
 * the interface without an entry here, or an entry for a field the interface lacks, does not compile.
 */
export type MessageSchema<M> = { readonly [K in Exclude<keyof M, 't'>]-?: FieldSpec<M, K> };

/** The member of union M whose tag `t` admits T (UdpMembershipMsg serves both udp.join and udp.leave). */
type ByTag<M, T> = M extends { t: infer U } ? (T extends U ? M : never) : never;

type Schema = Record<string, { readonly type: FieldType; readonly required?: boolean }>;

const id = { type: 'uint', required: true } as const;
const ref = { type: 'uint' } as const;

/** Field schemas per control message type: the single place that says what a page may send. */
export const SCHEMAS: { readonly [T in ClientMessage['t']]: MessageSchema<ByTag<ClientMessage, T>> } = {
  'tcp.connect': {
    id, ref,
    host: { type: 'host', required: true },
    port: { type: 'port', required: true },
    noDelay: { type: 'bool' },
    keepAliveDelay: { type: 'uint' },
    timeoutMs: { type: 'uint' },
    tls: { type: 'tls' },
    credit: { type: 'uint' },
    dnsQueryType: { type: 'dnsQueryType' },
    sendBufferSize: { type: 'uint' },
    receiveBufferSize: { type: 'uint' },
    capture: { type: 'bool' },
  },
  'relay.listen': {
    id, ref,
    host: { type: 'host', required: true },
    port: { type: 'port', required: true },
    targetHost: { type: 'host', required: true },
    targetPort: { type: 'port', required: true },
    backlog: { type: 'uint' },
    ipv6Only: { type: 'bool' },
    noDelay: { type: 'bool' },
    logBytes: { type: 'uint' },
  },
  'tcp.listen': {
    id, ref,
    host: { type: 'host', required: true },
    port: { type: 'port', required: true },
    backlog: { type: 'uint' },
    reuseAddr: { type: 'bool' },
    ipv6Only: { type: 'bool' },
  },
  'udp.bind': {
    id, ref,
    host: { type: 'host' },
    port: { type: 'port' },
    remoteHost: { type: 'host' },
    remotePort: { type: 'port' },
    reuseAddr: { type: 'bool' },
    ipv6Only: { type: 'bool' },
    broadcast: { type: 'bool' },
    multicastTTL: { type: 'uint' },
    multicastLoopback: { type: 'bool' },
    multicastInterface: { type: 'host' },
    credit: { type: 'uint' },
    dnsQueryType: { type: 'dnsQueryType' },
    sendBufferSize: { type: 'uint' },
    receiveBufferSize: { type: 'uint' },
  },
  'udp.join': { id, ref, group: { type: 'host', required: true }, interface: { type: 'host' }, source: { type: 'host' } },
  'udp.leave': { id, ref, group: { type: 'host', required: true }, interface: { type: 'host' }, source: { type: 'host' } },
  set: {
    id, ref,
    noDelay: { type: 'bool' },
    keepAliveDelay: { type: 'uint' },
    broadcast: { type: 'bool' },
    multicastTTL: { type: 'uint' },
    multicastLoopback: { type: 'bool' },
    corkWrites: { type: 'uint' },
    manualRecv: { type: 'bool' },
    readDelayMs: { type: 'uint' },
    readSize: { type: 'uint' },
  },
  recv: { id, ref, max: { type: 'uint', required: true }, timeoutMs: { type: 'uint' }, nonBlocking: { type: 'bool' } },
  end: { id, ref },
  close: { id, ref, reset: { type: 'bool' } },
  window: { id, ref, sendWindow: { type: 'uint' }, receiveWindow: { type: 'uint' } },
};

/** An unsigned 32-bit integer (ids, refs, counts). */
export const isUint = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_SOCKET_ID;

function checkField(t: string, name: string, type: FieldType, v: unknown): void {
  const bad = (want: string) =>
    new ControlMessageError(ErrorCode.BadOption, `${t}: "${name}" must be ${want}, got ${JSON.stringify(v)?.slice(0, 60) ?? typeof v}`);
  switch (type) {
    case 'string':
      if (typeof v !== 'string') throw bad('a string');
      return;
    case 'host':
      // Host names are at most 253 bytes; IPv6 with a zone id stays well under 255.
      if (typeof v !== 'string' || v.length === 0 || v.length > 255 || /[\s/\\?#@]/.test(v)) throw bad('a host name or IP address');
      return;
    case 'port':
      if (!isUint(v) || v > 65535) throw bad('a port number 0–65535');
      return;
    case 'uint': {
      const r = rangeOf(name);
      if (!isUint(v) || v < r.min || v > r.max) throw bad(`an integer ${r.min}–${r.max}${r.why ? ` (${r.why})` : ''}`);
      return;
    }
    case 'bool':
      if (typeof v !== 'boolean') throw bad('true or false');
      return;
    case 'dnsQueryType':
      if (v !== 'ipv4' && v !== 'ipv6') throw bad('"ipv4" or "ipv6"');
      return;
    case 'tls': {
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw bad('an object {servername?, insecure?}');
      const o = v as Record<string, unknown>;
      const unknown = Object.keys(o).find((k) => k !== 'servername' && k !== 'insecure');
      if (unknown !== undefined) throw new ControlMessageError(ErrorCode.BadMessage, `${t}: unknown field ${JSON.stringify(`${name}.${unknown.slice(0, 40)}`)} (known: servername, insecure)`);
      if (o.servername !== undefined && typeof o.servername !== 'string') throw bad('{servername: string}');
      if (o.insecure !== undefined && typeof o.insecure !== 'boolean') throw bad('{insecure: boolean}');
      return;
    }
    default: {
      const never: never = type;
      throw new Error(`unhandled field type ${never}`);
    }
  }
}

/**
 * Validates one parsed control message against {@link SCHEMAS}. Throws a ControlMessageError
 * (BAD_MESSAGE or BAD_OPTION) that names what is wrong.
 */
export function validateControlMessage(data: unknown): ClientMessage {
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new ControlMessageError(ErrorCode.BadMessage, 'control message must be a JSON object with a "t" field');
  }
  const msg = data as Record<string, unknown>;
  const t = msg.t;
  if (typeof t !== 'string' || !Object.hasOwn(SCHEMAS, t)) {
    throw new ControlMessageError(ErrorCode.BadMessage, `unknown control message type ${JSON.stringify(t)?.slice(0, 40) ?? 'undefined'} (known: ${Object.keys(SCHEMAS).join(', ')})`);
  }
  const schema: Schema = SCHEMAS[t as ClientMessage['t']];
  for (const name of Object.keys(msg)) {
    if (name !== 't' && !Object.hasOwn(schema, name)) {
      throw new ControlMessageError(ErrorCode.BadMessage, `${t}: unknown field ${JSON.stringify(name.slice(0, 40))} (known: ${Object.keys(schema).join(', ')})`);
    }
  }
  for (const [name, spec] of Object.entries(schema)) {
    const v = msg[name];
    if (v === undefined) {
      if (spec.required) throw new ControlMessageError(ErrorCode.BadOption, `${t}: "${name}" is required`);
      continue;
    }
    checkField(t, name, spec.type, v);
  }
  const sid = msg.id as number;
  if ((t === 'tcp.connect' || t === 'tcp.listen' || t === 'udp.bind' || t === 'relay.listen') && (sid === 0 || sid >= GATEWAY_ID_BASE)) {
    throw new ControlMessageError(ErrorCode.BadOption, `${t}: "id" must be 1–${GATEWAY_ID_BASE - 1} (higher ids are the gateway's)`);
  }
  return msg as unknown as ClientMessage;
}
