import type net from 'node:net';
import { readLines } from './line-reader.js';
import { TcpLabService } from './tcp-lab-service.js';

/** Longest chat line accepted. */
const MAX_LINE = 4096;
/** A member whose unread backlog passes this is dropped, so one stuck reader cannot grow the gateway's memory. */
const MAX_BACKLOG = 1 << 20;
const NICK = /^[\p{L}\p{N}_.-]{1,32}$/u;

/**
 * Chat room: every line from one member goes to all the others as `[name] text`, with
 * `* name joined` / `* name left` notices. `/nick NAME` renames, `/who` lists the members.
 */
export class ChatRoomService extends TcpLabService {
  readonly name = 'chat';
  readonly title = 'Chat room';
  readonly usage = 'lines of text; /nick NAME to rename, /who to list members';
  private readonly names = new Map<net.Socket, string>();

  protected serve(socket: net.Socket): void {
    const name = `${socket.remoteAddress}:${socket.remotePort}`;
    this.names.set(socket, name);
    this.tell(socket, `* welcome ${name}, ${this.names.size} online; /nick NAME to rename, /who to list\n`);
    this.broadcast(socket, `* ${name} joined (${this.names.size} online)\n`);
    socket.on('close', () => {
      const gone = this.names.get(socket);
      if (!this.names.delete(socket)) return;
      this.broadcast(socket, `* ${gone} left (${this.names.size} online)\n`);
    });
    readLines(socket, MAX_LINE, (line) => this.onLine(socket, line));
  }

  private onLine(socket: net.Socket, line: string): void {
    const me = this.names.get(socket);
    if (me === undefined || line === '') return;
    if (line === '/who') return this.tell(socket, `* online: ${[...this.names.values()].join(', ')}\n`);
    if (line.startsWith('/nick')) {
      const nick = line.slice(5).trim();
      if (!NICK.test(nick)) return this.tell(socket, '* /nick NAME: 1–32 letters, digits, _ . -\n');
      if ([...this.names.values()].includes(nick)) return this.tell(socket, `* ${nick} is taken\n`);
      this.names.set(socket, nick);
      this.tell(socket, `* you are now ${nick}\n`);
      return this.broadcast(socket, `* ${me} is now ${nick}\n`);
    }
    this.broadcast(socket, `[${me}] ${line}\n`);
  }

  private tell(socket: net.Socket, text: string): void {
    if (socket.destroyed) return;
    if (socket.writableLength > MAX_BACKLOG) {
      socket.destroy();
      return;
    }
    socket.write(text);
  }

  private broadcast(from: net.Socket, text: string): void {
    for (const s of this.names.keys()) if (s !== from) this.tell(s, text);
  }
}
