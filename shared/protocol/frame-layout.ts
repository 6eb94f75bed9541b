/** Binary frame kinds and their fixed sizes; the byte grammar is in docs/PROTOCOL.md. */

/** Binary frame kinds. Append only; never reuse a retired number. */
export const Frame = {
  /** page → gateway: bytes to write on a TCP socket (or a connected UDP socket). */
  Data: 0x01,
  /** gateway → page: one TCP read, exactly as the kernel returned it. */
  Chunk: 0x02,
  /** page → gateway: one UDP datagram to an explicit destination. */
  SendTo: 0x03,
  /** gateway → page: one received UDP datagram with its source. */
  Datagram: 0x04,
  /** page → gateway: the page can take this many more bytes on a socket. */
  Credit: 0x05,
  /** gateway → page: this many bytes the page sent have left the gateway; the page may send that many more. */
  Ack: 0x06,
  /**
   * gateway → page, protocol v2 only (subprotocol `sockgate.v2`): several Chunk, Datagram and Ack
   * frames in one WebSocket message, each whole and in order, so a burst costs one message.
   */
  Batch: 0x07,
  /** gateway → page: one read a relay forwarded (either direction), with its size and a copy of (a prefix of) its bytes. */
  RelayRead: 0x08,
} as const;
export type FrameKind = (typeof Frame)[keyof typeof Frame];

// Byte offsets of every field, per frame kind. Each frame starts with kind u8 at 0 and the socket
// id u32 at 1; integers are big-endian, the time an f64 of ms since the epoch. What follows the
// last fixed field runs to the end of the WebSocket message (its length is the message's).

/** Data (page → gateway): kind, id, then the bytes to write. */
export const DataLayout = { kind: 0, id: 1, payload: 5 } as const;
/** Credit and Ack: kind, id, a byte count; nothing follows. */
export const CounterLayout = { kind: 0, id: 1, bytes: 5, end: 9 } as const;
/** Chunk (gateway → page): kind, id, seq u32, time f64, then one kernel read. */
export const ChunkLayout = { kind: 0, id: 1, seq: 5, time: 9, payload: 17 } as const;
/** SendTo (page → gateway): kind, id, port u16, address length u8, address (UTF-8), then the datagram. */
export const SendToLayout = { kind: 0, id: 1, port: 5, addressLength: 7, address: 8 } as const;
/** Datagram (gateway → page): a Chunk header, then port u16, address length u8, address, datagram. */
export const DatagramLayout = { kind: 0, id: 1, seq: 5, time: 9, port: 17, addressLength: 19, address: 20 } as const;
/**
 * RelayRead (gateway → page): kind, relay id, pair u32, dir u8 (0 up: client → target, 1 down),
 * seq u32 (reads of that pair and direction, counted whether reported or not), time f64, size u32
 * (the read's length), then the first bytes of the read (fewer than size, or none, past the budget).
 */
export const RelayReadLayout = { kind: 0, id: 1, pair: 5, dir: 9, seq: 10, time: 14, size: 22, payload: 26 } as const;
export const RELAY_READ_HEADER = RelayReadLayout.payload;

/**
 * Batch (gateway → page, v2): kind, the number of entries u32 (where other frames have the socket
 * id), then that many entries, each a length u32 and one whole Chunk, Datagram or Ack frame.
 */
export const BatchLayout = { kind: 0, count: 1, entries: 5 } as const;
/** Bytes in front of each frame inside a Batch: its length, u32. */
export const BATCH_ENTRY_HEADER = 4;
/** Frame kinds a Batch may carry: the gateway-to-page kinds, never a Batch. */
export const BATCHABLE_KINDS: ReadonlySet<number> = new Set<number>([Frame.Chunk, Frame.Datagram, Frame.Ack]);

/** Bytes before the payload of each binary frame kind (kind + id + fixed fields). */
export const DATA_HEADER = DataLayout.payload;
export const CHUNK_HEADER = ChunkLayout.payload; // kind u8, id u32, seq u32, time f64 (ms since epoch)
export const CREDIT_FRAME = CounterLayout.end; // kind u8, id u32, bytes u32
/** Longest address a SendTo or Datagram frame can carry (its length is one byte). */
export const MAX_FRAME_ADDRESS = 255;
