import type net from 'node:net';
import { TcpLabService } from './tcp-lab-service.js';

/** TCP echo: every read is written straight back (pipe keeps backpressure), half-close respected. */
export class TcpEchoService extends TcpLabService {
  readonly name = 'tcp-echo';
  readonly title = 'TCP echo';
  readonly usage = 'any bytes; each read is sent back as it came';

  protected serve(socket: net.Socket): void {
    socket.pipe(socket);
  }
}
