import { ErrorCode, GATEWAY_ID_BASE, MAX_SOCKET_ID } from '../shared/protocol.js';
import { GatewayError } from './gateway-error.js';
import type { PageSocket } from './page-socket.js';

/** An open in progress (DNS, connect, bind): its id is taken and the page may abort it. */
export interface PendingOpen {
  readonly abort: AbortController;
  /** The `ref` of the page's `close` that aborted it, echoed in `closed`. */
  closeRef?: number;
}

/**
 * The sockets of one page: open ones by id, opens still in progress, and the ids the gateway
 * gives the connections its listeners accept (at or above GATEWAY_ID_BASE, so never the page's).
 */
export class SocketTable {
  private readonly open = new Map<number, PageSocket>();
  private readonly pending = new Map<number, PendingOpen>();
  private nextGatewayId = GATEWAY_ID_BASE;

  /** Sockets that count against the page's limit: open ones, opens in progress, relay pairs. */
  get size(): number {
    let n = this.open.size + this.pending.size;
    for (const s of this.open.values()) if (s.kind === 'relay') n += s.pairCount;
    return n;
  }

  /** The open socket `id`; INVALID_STATE while it is still opening, UNKNOWN_SOCKET if there is none. */
  get(id: number): PageSocket {
    const socket = this.open.get(id);
    if (socket) return socket;
    if (this.pending.has(id)) throw new GatewayError(ErrorCode.InvalidState, `socket ${id} is not open yet`);
    throw new GatewayError(ErrorCode.UnknownSocket, `socket ${id} does not exist on this page`);
  }

  /** True when `id` is open or opening on this page. */
  inUse(id: number): boolean {
    return this.open.has(id) || this.pending.has(id);
  }

  /** Takes `id` for an open in progress; SOCKET_EXISTS when the page already uses it. */
  reserve(id: number): PendingOpen {
    if (this.inUse(id)) throw new GatewayError(ErrorCode.SocketExists, `socket id ${id} is already in use on this page`);
    const pending: PendingOpen = { abort: new AbortController() };
    this.pending.set(id, pending);
    return pending;
  }

  /** The open in progress under `id`, if there is one. */
  pendingOpen(id: number): PendingOpen | undefined {
    return this.pending.get(id);
  }

  /** The open under `id` finished (opened or failed): its reservation ends. */
  release(id: number): void {
    this.pending.delete(id);
  }

  /** Registers an open socket under its id. */
  add(socket: PageSocket): void {
    this.open.set(socket.id, socket);
  }

  /** Removes `socket`; false when it is not the socket under its id (already removed, id reused). */
  remove(socket: PageSocket): boolean {
    if (this.open.get(socket.id) !== socket) return false;
    this.open.delete(socket.id);
    return true;
  }

  /** A free id for an accepted connection, taken round-robin from GATEWAY_ID_BASE up. */
  acceptedId(): number {
    let id = this.nextGatewayId;
    while (this.open.has(id)) id = id >= MAX_SOCKET_ID ? GATEWAY_ID_BASE : id + 1;
    this.nextGatewayId = id >= MAX_SOCKET_ID ? GATEWAY_ID_BASE : id + 1;
    return id;
  }

  /** The open sockets (a snapshot: closing them while iterating is safe). */
  sockets(): PageSocket[] {
    return [...this.open.values()];
  }

  /** Aborts every open in progress (the page is gone). */
  abortPending(): void {
    for (const p of this.pending.values()) p.abort.abort();
  }

  /** Forgets every open socket (the page is gone; they are being destroyed). */
  clear(): void {
    this.open.clear();
  }
}
