import type net from 'node:net';
import { writeAndDrain } from './lab-service.js';
import { frameMessage, parseLabFraming, type LabFraming } from './lab-framing.js';
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
  const out = Buffer.alloc(size);
  let off = 0;
  for (let line = 1; off < size; line++) {
    const head = `#${request} line ${String(line).padStart(4, '0')} `;
    const text = head + FILLER.repeat(2).slice(0, 63 - head.length) + '\n';
    off += out.write(text, off, 'latin1');
  }
  return out;
}

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
      // Header and body in two writes, as the course's server does conn.send(header); conn.send(body).
      const framed = frameMessage(bulkText(req.size, ++requests), req.framing);
      const headerBytes = framed.length - req.size;
      if (headerBytes > 0) socket.write(framed.subarray(0, headerBytes));
      return writeAndDrain(socket, framed.subarray(headerBytes));
    });
  }
}
