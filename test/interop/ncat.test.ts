/**
 * Interop with ncat (Debian's nmap-ncat), a peer nobody here wrote: its chat broker as the
 * course's chat room, and ncat as a client of a server the page listens on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AcceptedMsg, OpenedMsg } from '../../shared/protocol.js';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { ProtocolClient } from '../helpers/protocol-client.js';
import { freePort } from '../helpers/loopback-ports.js';

let gw: Gateway;
const children: ChildProcess[] = [];
beforeAll(async () => {
  gw = await startGateway({ port: 0, audit: null });
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await gw.close();
});

describe('ncat', () => {
  it("ncat's chat broker relays one page socket's line to another", async () => {
    const port = await freePort();
    const broker = spawn('ncat', ['--listen', '--broker', '127.0.0.1', String(port)], { stdio: 'ignore' });
    children.push(broker);
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    // ncat needs a moment to bind; retry the connect (with a fresh id) until it listens.
    let alice = 100;
    while ((await page.request({ t: 'tcp.connect', id: alice, host: '127.0.0.1', port })).t !== 'opened') {
      if (++alice > 150) throw new Error('ncat broker did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await page.request({ t: 'tcp.connect', id: 2, host: '127.0.0.1', port })).toMatchObject({ t: 'opened' });
    await new Promise((r) => setTimeout(r, 200)); // the broker registers its second client
    page.write(alice, Buffer.from('hello from alice\n'));
    await page.until(() => page.bytes(2).toString() === 'hello from alice\n');
    expect(page.bytes(alice).length).toBe(0); // a broker does not echo to the sender
    await page.close();
  });

  it('ncat as a client of a server the page listens on, both directions, then its FIN', async () => {
    const page = await ProtocolClient.connect(gw.origin, gw.token);
    const opened = (await page.request({ t: 'tcp.listen', id: 3, host: '127.0.0.1', port: 0 })) as OpenedMsg;
    const accepted = page.next((m) => m.t === 'accepted');
    let fromNcat = '';
    const client = spawn('ncat', ['127.0.0.1', String(opened.local.port)], { stdio: ['pipe', 'pipe', 'ignore'] });
    children.push(client);
    client.stdout!.on('data', (d) => (fromNcat += d));
    const a = (await accepted) as AcceptedMsg;
    page.credit(a.id, 65536);
    client.stdin!.write('line typed into ncat\n');
    await page.until(() => page.bytes(a.id).toString() === 'line typed into ncat\n');
    page.write(a.id, Buffer.from('answer from the page\n'));
    await expect.poll(() => fromNcat, { timeout: 5000 }).toBe('answer from the page\n');
    const eof = page.next((m) => m.t === 'eof' && m.id === a.id);
    client.stdin!.end(); // ncat half-closes its sending side on stdin EOF
    await eof;
    await page.close();
  });
});
