import type net from 'node:net';
import type { LabServiceInfo } from '../../shared/lab-services.js';

/** Lab services listen on loopback only: they exist for the page on this machine. */
export const LAB_HOST = '127.0.0.1';

/** Connections one TCP lab service holds at once; more are refused so a runaway loop cannot exhaust the gateway. */
export const MAX_CLIENTS = 64;

/** Connections one page may hold to one TCP lab service, so a single page cannot take every slot. */
export const MAX_CLIENTS_PER_PAGE = 8;

export type { LabServiceInfo } from '../../shared/lab-services.js';

/** One built-in lab service. */
export interface LabService {
  readonly name: string;
  info(): LabServiceInfo;
  /** Stops listening and drops every connection. */
  close(): Promise<void>;
}

/** Writes `data` and resolves once the socket can take more (or is gone), so replies never pile up unbounded. */
export function writeAndDrain(socket: net.Socket, data: Uint8Array | string): Promise<void> {
  if (socket.destroyed || socket.writableEnded) return Promise.resolve();
  if (socket.write(data)) return Promise.resolve();
  return drained(socket);
}

/** Resolves when the socket's write buffer is below its high-water mark again, or the socket is gone. */
export function drained(socket: net.Socket): Promise<void> {
  if (socket.destroyed || !socket.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}
