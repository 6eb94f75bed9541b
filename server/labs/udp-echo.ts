import dgram from 'node:dgram';
import { LAB_HOST, type LabService, type LabServiceInfo } from './lab-service.js';

/** Distinct peers remembered for the `clients` count; beyond this the count stops growing. */
const MAX_PEERS = 1024;

/** UDP echo: every datagram goes back to its sender unchanged. Bound to loopback only. */
export class UdpEchoService implements LabService {
  readonly name = 'udp-echo';
  private socket: dgram.Socket | undefined;
  private readonly peers = new Set<string>();

  /** Binds an ephemeral loopback port. */
  async listen(): Promise<void> {
    const socket = dgram.createSocket('udp4');
    socket.on('message', (msg, rinfo) => {
      if (this.peers.size < MAX_PEERS) this.peers.add(`${rinfo.address}:${rinfo.port}`);
      socket.send(msg, rinfo.port, rinfo.address);
    });
    // A peer that vanished makes the kernel report ECONNREFUSED on a later send; nothing to do.
    socket.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, LAB_HOST, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    this.socket = socket;
  }

  info(): LabServiceInfo {
    return {
      name: this.name,
      transport: 'udp',
      host: LAB_HOST,
      port: this.socket?.address().port ?? 0,
      title: 'UDP echo',
      usage: 'any datagram; it comes back to its sender unchanged',
      clients: this.peers.size,
    };
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}
