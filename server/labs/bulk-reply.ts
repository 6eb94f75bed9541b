import type net from 'node:net';
import { writeAndDrain } from './lab-service.js';
import { frameHeader, parseLabFraming, type LabFraming } from './lab-framing.js';
import { readLines } from './line-reader.js';
import { TcpLabService } from './tcp-lab-service.js';

/** Largest reply: 8 MiB. */
export const BULK_MAX_SIZE = 8 << 20;
export const BULK_USAGE = 'bulk SIZE [raw|len|!I|json]';

/** One parsed `bulk` request. */
export interface BulkRequest {
  size: number;
  framing: LabFraming;
}

/** Parses `bulk SIZE [FRAMING]`; `len` is `struct 'i'`. Throws an Error whose message is the reply. */
export function parseBulk(line: string): BulkRequest {
  const words = line.trim().split(/\s+/);
  if (words[0]?.toLowerCase() !== 'bulk') throw new Error(`unknown request "${words[0] ?? ''}"; usage: ${BULK_USAGE}`);
  const sizeWord = words[1] ?? '';
  if (!/^\d+$/.test(sizeWord) || Number(sizeWord) > BULK_MAX_SIZE) throw new Error(`SIZE must be 0–${BULK_MAX_SIZE}, got "${sizeWord}"; usage: ${BULK_USAGE}`);
  if (words.length > 3) throw new Error(`too many words; usage: ${BULK_USAGE}`);
  const framing = words[2] === undefined ? 'raw' : parseLabFraming(words[2]);
  if (!framing || framing === 'newline') throw new Error(`unknown framing "${words[2]}"; usage: ${BULK_USAGE}`);
  return { size: Number(sizeWord), framing };
}

const FILLER = 'the quick brown fox jumps over the lazy dog 0123456789 ';

/**
 * `size` bytes of readable text that look like a command's output: 64-byte lines
 * `#N line 0001 the quick brown fox …\n`, where N numbers the request on its connection, so
 * leftovers of one reply are recognisable when they turn up after the next request.
 */
export function bulkText(size: number, request: number): Buffer {
  return bulkSlice(request, 0, size);
}

/** Bytes `start` to `end` of {@link bulkText} (`start` a multiple of 64, the line length). */
function bulkSlice(request: number, start: number, end: number): Buffer {
  const out = Buffer.alloc(end - start);
  let off = 0;
  for (let line = start / LINE + 1; off < out.length; line++) {
    const head = `#${request} line ${String(line).padStart(4, '0')} `;
    const text = head + FILLER.repeat(2).slice(0, LINE - 1 - head.length) + '\n';
    off += out.write(text, off, 'latin1');
  }
  return out;
}

const LINE = 64;
/** Bytes of a reply made and written at a time: a page that does not read pins one piece, not 8 MiB. */
const PIECE = 1024 * LINE;

/**
 * "Bulk reply", the safe stand-in for the course's remote-command server: `bulk 5000` answers
 * with 5,000 bytes of text — raw, or with a `struct 'i'` length header (`len`), or `!I`, or a
 * JSON header `{"total_size": N}` with its 4-byte length in front (`json`). Never runs anything.
 */
export class BulkReplyService extends TcpLabService {
  readonly name = 'bulk';
  readonly title = 'Bulk reply (remote-command stand-in)';
  readonly usage = BULK_USAGE;

  protected serve(socket: net.Socket): void {
    let requests = 0;
    readLines(socket, 1024, (line) => {
      if (line.trim() === '') return;
      if (line.trim().toLowerCase() === 'help') return writeAndDrain(socket, `usage: ${BULK_USAGE}\n`);
      let req: BulkRequest;
      try {
        req = parseBulk(line);
      } catch (err) {
        return writeAndDrain(socket, `error: ${(err as Error).message}\n`);
      }
      // Header and body in separate writes, as the course's server does conn.send(header); conn.send(body).
      return this.reply(socket, req, ++requests, frameHeader(req.size, req.framing));
    });
  }

  /** Writes the header, then the body piece by piece, each made only once the socket drained. */
  private async reply(socket: net.Socket, req: BulkRequest, request: number, header: Buffer): Promise<void> {
    if (header.length > 0) socket.write(header);
    for (let start = 0; start < req.size && !socket.destroyed; start += PIECE) {
      await writeAndDrain(socket, bulkSlice(request, start, Math.min(req.size, start + PIECE)));
    }
  }
}
