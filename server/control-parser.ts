import { ErrorCode, GATEWAY_ID_BASE, MAX_SOCKET_ID, type ClientMessage } from '../shared/protocol.js';
import { GatewayError } from './gateway-error.js';

type FieldType = 'string' | 'host' | 'port' | 'uint' | 'bool' | 'tls' | 'dnsQueryType';
type Schema = Record<string, { type: FieldType; required?: boolean }>;

const id = { type: 'uint' as const, required: true };
const ref = { type: 'uint' as const };

/** Field schemas per control message type: the single place that says what a page may send. */
const SCHEMAS: Record<ClientMessage['t'], Schema> = {
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
  recv: { id, ref, max: { type: 'uint', required: true } },
  end: { id, ref },
  close: { id, ref, reset: { type: 'bool' } },
};

const isUint = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_SOCKET_ID;

function checkField(t: string, name: string, type: FieldType, v: unknown): void {
  const bad = (want: string) =>
    new GatewayError(ErrorCode.BadOption, `${t}: "${name}" must be ${want}, got ${JSON.stringify(v)?.slice(0, 60) ?? typeof v}`);
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
    case 'uint':
      if (!isUint(v)) throw bad('a non-negative integer');
      return;
    case 'bool':
      if (typeof v !== 'boolean') throw bad('true or false');
      return;
    case 'dnsQueryType':
      if (v !== 'ipv4' && v !== 'ipv6') throw bad('"ipv4" or "ipv6"');
      return;
    case 'tls': {
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw bad('an object {servername?, insecure?}');
      const o = v as Record<string, unknown>;
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
 * Parses and validates one text frame. Throws a GatewayError (BAD_MESSAGE or BAD_OPTION)
 * that names what is wrong; the caller answers with it and the page stays connected.
 * `ref` and `id` found before the failure are attached so the page can match the error.
 */
export function parseControlMessage(text: string): ClientMessage {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new GatewayError(ErrorCode.BadMessage, `control message is not valid JSON: ${(err as Error).message}`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new GatewayError(ErrorCode.BadMessage, 'control message must be a JSON object with a "t" field');
  }
  const msg = data as Record<string, unknown>;
  const t = msg.t;
  if (typeof t !== 'string' || !Object.hasOwn(SCHEMAS, t)) {
    throw new GatewayError(ErrorCode.BadMessage, `unknown control message type ${JSON.stringify(t)?.slice(0, 40) ?? 'undefined'} (known: ${Object.keys(SCHEMAS).join(', ')})`);
  }
  const schema = SCHEMAS[t as ClientMessage['t']];
  for (const [name, spec] of Object.entries(schema)) {
    const v = msg[name];
    if (v === undefined) {
      if (spec.required) throw new GatewayError(ErrorCode.BadOption, `${t}: "${name}" is required`);
      continue;
    }
    checkField(t, name, spec.type, v);
  }
  const sid = msg.id as number;
  if ((t === 'tcp.connect' || t === 'tcp.listen' || t === 'udp.bind') && (sid === 0 || sid >= GATEWAY_ID_BASE)) {
    throw new GatewayError(ErrorCode.BadOption, `${t}: "id" must be 1–${GATEWAY_ID_BASE - 1} (higher ids are the gateway's)`);
  }
  return msg as unknown as ClientMessage;
}

/**
 * Pulls `id` and `ref` out of a message that failed validation, when they are usable. Also
 * works on the truncated head of an oversized message, where JSON.parse cannot.
 */
export function salvageIds(text: string): { id?: number; ref?: number } {
  try {
    const o = JSON.parse(text) as Record<string, unknown>;
    return { id: isUint(o?.id) ? o.id : undefined, ref: isUint(o?.ref) ? o.ref : undefined };
  } catch {
    const field = (name: string) => {
      const m = new RegExp(`"${name}"\\s*:\\s*(\\d{1,10})[,}\\s]`).exec(text);
      const n = m ? Number(m[1]) : NaN;
      return isUint(n) ? n : undefined;
    };
    return { id: field('id'), ref: field('ref') };
  }
}
