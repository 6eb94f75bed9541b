/**
 * An incremental reader of the classic pcap format (what `tcpdump -w -` writes): feed it bytes
 * as they come from the pipe, take whole records out. Both byte orders and both timestamp
 * resolutions (µs magic a1b2c3d4, ns magic a1b23c4d). Bounded: a record claiming more than
 * `maxRecord` bytes is a broken stream, not a reason to buffer.
 */

/** One captured packet. */
export interface PcapRecord {
  /** ms since the Unix epoch, to the microsecond (fractions of a ms). */
  time: number;
  /** The bytes captured (at most the snap length). */
  frame: Uint8Array;
  /** The packet's length on the wire. */
  origLength: number;
}

/** The stream is not pcap. */
export class PcapFormatError extends Error {
  override name = 'PcapFormatError';
}

/** Reads a pcap byte stream chunk by chunk. */
export class PcapReader {
  /** The link type from the global header, once read. */
  linkType: number | undefined;
  #little = true;
  #nanos = false;
  #buffer = new Uint8Array(0);

  constructor(private readonly maxRecord = 262_144) {}

  /** Adds `bytes` and returns every record now complete. Throws PcapFormatError on a bad stream. */
  push(bytes: Uint8Array): PcapRecord[] {
    const joined = new Uint8Array(this.#buffer.length + bytes.length);
    joined.set(this.#buffer);
    joined.set(bytes, this.#buffer.length);
    const view = new DataView(joined.buffer);
    let at = 0;
    const out: PcapRecord[] = [];
    if (this.linkType === undefined) {
      if (joined.length < 24) {
        this.#buffer = joined;
        return out;
      }
      const magic = view.getUint32(0, true);
      if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) this.#little = true;
      else if (view.getUint32(0, false) === 0xa1b2c3d4 || view.getUint32(0, false) === 0xa1b23c4d) this.#little = false;
      else throw new PcapFormatError(`not a pcap stream (magic ${magic.toString(16)})`);
      this.#nanos = view.getUint32(0, this.#little) === 0xa1b23c4d;
      this.linkType = view.getUint32(20, this.#little) & 0x0fffffff;
      at = 24;
    }
    while (joined.length - at >= 16) {
      const sec = view.getUint32(at, this.#little);
      const frac = view.getUint32(at + 4, this.#little);
      const incl = view.getUint32(at + 8, this.#little);
      const orig = view.getUint32(at + 12, this.#little);
      if (incl > this.maxRecord) throw new PcapFormatError(`pcap record of ${incl} bytes (most: ${this.maxRecord})`);
      if (joined.length - at - 16 < incl) break;
      out.push({ time: sec * 1000 + (this.#nanos ? frac / 1e6 : frac / 1e3), frame: joined.slice(at + 16, at + 16 + incl), origLength: orig });
      at += 16 + incl;
    }
    this.#buffer = joined.slice(at);
    return out;
  }
}
