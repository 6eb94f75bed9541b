/**
 * How the burst and bulk services frame what they send. Written here by hand, independently of
 * shared/framing, so that decoding a service's output with the page's codecs is a real check.
 */

/** Framing names a request may give, and what each means on the wire. */
export const LAB_FRAMINGS = {
  /** No framing: the bytes as they are. */
  raw: 'raw',
  /** Each message followed by `\n`. */
  newline: 'newline',
  /** `struct.pack('i', len)`: 4-byte little-endian signed length, then the message. */
  i: 'i',
  /** `struct.pack('!I', len)`: 4-byte big-endian (network order) unsigned length, then the message. */
  '!I': '!I',
  /** `struct.pack('i', len(header))` + JSON header `{"total_size": len}` + the message. */
  json: 'json',
} as const;
export type LabFraming = keyof typeof LAB_FRAMINGS;

/** Other spellings a request may use. */
const ALIASES: Record<string, LabFraming> = { len: 'i', length: 'i', net: '!I', 'json-header': 'json', none: 'raw', line: 'newline', lines: 'newline' };

/** The framing a request token names, or undefined. */
export function parseLabFraming(token: string): LabFraming | undefined {
  if (Object.hasOwn(LAB_FRAMINGS, token)) return token as LabFraming;
  const lower = token.toLowerCase();
  // Own keys only: a plain object's lookup answered '__proto__' and 'constructor' too.
  if (Object.hasOwn(ALIASES, lower)) return ALIASES[lower];
  return Object.hasOwn(LAB_FRAMINGS, lower) ? (lower as LabFraming) : undefined;
}

/** `message` as it goes on the wire under `framing`. */
export function frameMessage(message: Buffer, framing: LabFraming): Buffer {
  const tail = framing === 'newline' ? Buffer.from('\n') : Buffer.alloc(0);
  return Buffer.concat([frameHeader(message.length, framing), message, tail]);
}

/** What goes before a message of `size` bytes under `framing` (nothing for raw and newline). */
export function frameHeader(size: number, framing: LabFraming): Buffer {
  switch (framing) {
    case 'raw':
    case 'newline':
      return Buffer.alloc(0);
    case 'i': {
      const head = Buffer.alloc(4);
      head.writeInt32LE(size);
      return head;
    }
    case '!I': {
      const head = Buffer.alloc(4);
      head.writeUInt32BE(size);
      return head;
    }
    case 'json': {
      // Spaced like Python's json.dumps, as the course's server sends it.
      const header = Buffer.from(`{"total_size": ${size}}`);
      const head = Buffer.alloc(4);
      head.writeInt32LE(header.length);
      return Buffer.concat([head, header]);
    }
  }
}
