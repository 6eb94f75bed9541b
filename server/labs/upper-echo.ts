import type net from 'node:net';
import { drained } from './lab-service.js';
import { TcpLabService } from './tcp-lab-service.js';

/** ASCII a–z → A–Z in place; other bytes (UTF-8, GBK) pass untouched, so lengths never change. */
export function upperAscii(data: Buffer): Buffer {
  const out = Buffer.from(data);
  for (let i = 0; i < out.length; i++) {
    const b = out[i]!;
    if (b >= 0x61 && b <= 0x7a) out[i] = b - 0x20;
  }
  return out;
}

/**
 * The course's `socketserver` example: every `recv(1024)` is sent back upper-cased, one reply per
 * read, for many clients at once (each connection is served on its own).
 */
export class UpperEchoService extends TcpLabService {
  readonly name = 'upper';
  readonly title = 'Upper-case echo (socketserver)';
  readonly usage = 'any text; each read of up to 1024 bytes comes back upper-cased';

  protected serve(socket: net.Socket): void {
    socket.on('data', (data: Buffer) => {
      // recv(1024) as in the course: a longer read is answered in 1024-byte replies.
      for (let i = 0; i < data.length; i += 1024) {
        const reply = upperAscii(data.subarray(i, i + 1024));
        if (!socket.write(reply)) {
          socket.pause();
          void drained(socket).then(() => socket.resume());
        }
      }
    });
    socket.on('end', () => socket.end());
  }
}
