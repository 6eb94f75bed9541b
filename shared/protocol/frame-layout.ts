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
} as const;
export type FrameKind = (typeof Frame)[keyof typeof Frame];

/** Bytes before the payload of each binary frame kind (kind + id + fixed fields). */
export const DATA_HEADER = 5;
export const CHUNK_HEADER = 17; // kind u8, id u32, seq u32, time f64 (ms since epoch)
export const CREDIT_FRAME = 9; // kind u8, id u32, bytes u32
