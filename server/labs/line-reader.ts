import type net from 'node:net';
import { writeAndDrain } from './lab-service.js';

/** A request without a trailing newline counts as complete after this much silence (course clients often send none). */
export const LINE_IDLE_MS = 100;

/**
 * Feeds a socket's bytes to `onLine` one line at a time (`\n`, an optional `\r` before it
 * dropped), waiting for each handler to finish before the next — requests are served in order
 * and a client that pipelines many cannot make replies pile up. Bytes with no newline are taken
 * as a line after {@link LINE_IDLE_MS} ms of silence. A line longer than `maxLine`
 * bytes gets an error reply and the connection is closed.
 */
export function readLines(socket: net.Socket, maxLine: number, onLine: (line: string) => Promise<void> | void): void {
  let pending: Buffer = Buffer.alloc(0);
  const queue: string[] = [];
  let busy = false;
  let ended = false;
  let idle: NodeJS.Timeout | undefined;

  const pump = async () => {
    if (busy) return;
    busy = true;
    socket.pause();
    while (queue.length > 0 && !socket.destroyed) {
      await onLine(queue.shift()!);
    }
    busy = false;
    if (socket.destroyed) return;
    if (ended) socket.end();
    else socket.resume();
  };

  socket.on('data', (chunk: Buffer) => {
    clearTimeout(idle);
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    let nl: number;
    while ((nl = pending.indexOf(0x0a)) >= 0) {
      const end = nl > 0 && pending[nl - 1] === 0x0d ? nl - 1 : nl;
      queue.push(pending.subarray(0, end).toString('utf8'));
      pending = pending.subarray(nl + 1);
    }
    if (pending.length > maxLine) {
      queue.length = 0;
      void writeAndDrain(socket, `error: line longer than ${maxLine} bytes; closing\n`).then(() => socket.end());
      socket.pause();
      return;
    }
    if (pending.length > 0) {
      idle = setTimeout(() => {
        queue.push(pending.toString('utf8'));
        pending = Buffer.alloc(0);
        void pump();
      }, LINE_IDLE_MS);
    }
    void pump();
  });
  socket.on('close', () => clearTimeout(idle));
  // The client half-closed: finish the queued requests, then close our side too.
  socket.on('end', () => {
    ended = true;
    clearTimeout(idle);
    if (pending.length > 0) queue.push(pending.toString('utf8'));
    pending = Buffer.alloc(0);
    if (busy) return;
    if (queue.length > 0) void pump();
    else socket.end();
  });
}
