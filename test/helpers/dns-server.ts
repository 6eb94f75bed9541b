import dgram from 'node:dgram';
import dns from 'node:dns';
import type { LookupFn } from '../../server/target-policy.js';

/**
 * A real DNS server on 127.0.0.1 answering A/AAAA queries from a table the test controls
 * (NXDOMAIN for anything else), and a gateway `lookup` that queries it. Tests use it instead
 * of the system resolver, which would send queries off this machine.
 */
export class StagedDnsServer {
  /** name (lower case, no trailing dot) → addresses; change it at any time (rebinding tests). */
  readonly records = new Map<string, string[]>();
  queries = 0;
  private constructor(private readonly socket: dgram.Socket) {}

  static async start(): Promise<StagedDnsServer> {
    const socket = dgram.createSocket('udp4');
    const server = new StagedDnsServer(socket);
    socket.on('message', (msg, rinfo) => {
      server.queries++;
      const reply = server.answer(msg);
      if (reply) socket.send(reply, rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
    return server;
  }

  get address(): string {
    const a = this.socket.address();
    return `${a.address}:${a.port}`;
  }

  /** A gateway `lookup` backed by this server (real DNS packets over loopback). */
  lookup(): LookupFn {
    const resolver = new dns.promises.Resolver({ timeout: 3000, tries: 2 }) // generous: CI machines are loaded;
    resolver.setServers([this.address]);
    return async (host, family) => {
      const out: string[] = [];
      const errors: NodeJS.ErrnoException[] = [];
      if (family !== 6) await resolver.resolve4(host).then((a) => out.push(...a), (e) => errors.push(e));
      if (family !== 4) await resolver.resolve6(host).then((a) => out.push(...a), (e) => errors.push(e));
      if (out.length === 0) throw errors[0] ?? Object.assign(new Error(`queryA ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return out;
    };
  }

  close(): void {
    this.socket.close();
  }

  private answer(msg: Buffer): Buffer | undefined {
    if (msg.length < 12) return undefined;
    let off = 12;
    const labels: string[] = [];
    while (off < msg.length && msg[off] !== 0) {
      const len = msg[off]!;
      labels.push(msg.subarray(off + 1, off + 1 + len).toString());
      off += 1 + len;
    }
    const qtype = msg.readUInt16BE(off + 1);
    const questionEnd = off + 5;
    const name = labels.join('.').toLowerCase();
    const all = this.records.get(name);
    const wanted = (all ?? []).filter((a) => (qtype === 28 ? a.includes(':') : !a.includes(':')));
    const header = Buffer.alloc(12);
    msg.copy(header, 0, 0, 2); // id
    header.writeUInt16BE(0x8180 | (all ? 0 : 3), 2); // response, RD, RA; rcode NXDOMAIN when unknown
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(wanted.length, 6);
    const answers = wanted.map((a) => {
      const rdata = a.includes(':') ? ipv6Bytes(a) : Buffer.from(a.split('.').map(Number));
      const rr = Buffer.alloc(12);
      rr.writeUInt16BE(0xc00c, 0); // pointer to the question name
      rr.writeUInt16BE(qtype, 2);
      rr.writeUInt16BE(1, 4);
      rr.writeUInt32BE(0, 6); // TTL 0: every query asks again
      rr.writeUInt16BE(rdata.length, 10);
      return Buffer.concat([rr, rdata]);
    });
    return Buffer.concat([header, msg.subarray(12, questionEnd), ...answers]);
  }
}

function ipv6Bytes(a: string): Buffer {
  const [head, tail] = a.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const parts = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  parts.forEach((p, i) => out.writeUInt16BE(parseInt(p || '0', 16), i * 2));
  return out;
}
