import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SUBPROTOCOL } from '../../shared/protocol.js';
import { startGateway, type Gateway } from '../../server/gateway.js';

/** Sends `text` on a fresh loopback connection and resolves with everything the gateway sent back until it closed. */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(text));
    let got = '';
    s.on('data', (d) => (got += d.toString('latin1')));
    s.on('error', reject);
    s.on('close', () => resolve(got));
    s.setTimeout(3000, () => s.destroy(new Error('no answer in 3 s')));
  });
}

const TOKEN = 'tok-upgrade';
let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway({ port: 0, token: TOKEN, audit: null, limits: { websockifyStreams: 1 } });
});
afterAll(() => gw.close());

function upgrade(target: string, extra: Record<string, string> = {}): Promise<string> {
  const headers: Record<string, string> = {
    Host: `127.0.0.1:${gw.port}`,
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    ...extra,
  };
  const head = Object.entries(headers)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return raw(gw.port, `GET ${target} HTTP/1.1\r\n${head}\r\n`);
}

const status = (answer: string) => Number(/^HTTP\/1\.1 (\d{3}) /.exec(answer)?.[1]);
const body = (answer: string) => answer.split('\r\n\r\n')[1] ?? '';

describe('upgrade-handler', () => {
  it('answers a bad websockify target with 400 and a one-line reason, no stack', async () => {
    for (const target of ['', 'nocolon', '127.0.0.1:0', '127.0.0.1:99999', '127.0.0.1:abc', ':80', '[::1]', '127.0.0.1:80:80']) {
      const answer = await upgrade(`/websockify?token=${TOKEN}&target=${encodeURIComponent(target)}`);
      expect(status(answer), target).toBe(400);
      expect(body(answer).trim().split('\n')).toHaveLength(1);
      expect(answer).not.toMatch(/ at |\.ts|\.js:|Error:/);
    }
    // No target at all and no --websockify-target.
    expect(status(await upgrade(`/websockify?token=${TOKEN}`))).toBe(400);
  });

  it('checks Host before Origin before token, each with its own status', async () => {
    expect(status(await upgrade(`/ws?token=${TOKEN}`, { Host: 'evil.example', 'Sec-WebSocket-Protocol': SUBPROTOCOL }))).toBe(421);
    expect(status(await upgrade('/ws', { Host: 'evil.example', Origin: 'https://evil.example' }))).toBe(421);
    expect(status(await upgrade('/ws', { Origin: 'https://evil.example' }))).toBe(403);
    expect(status(await upgrade(`/ws?token=${TOKEN}`, { Origin: 'https://evil.example' }))).toBe(403);
    expect(status(await upgrade('/ws?token=wrong', { 'Sec-WebSocket-Protocol': SUBPROTOCOL }))).toBe(401);
    const noToken = await upgrade('/ws', { 'Sec-WebSocket-Protocol': SUBPROTOCOL });
    expect(status(noToken)).toBe(401);
    expect(body(noToken)).toBe('missing or wrong token\n');
  });

  it('refuses /ws without the subprotocol, base64 websockify, and unknown paths', async () => {
    const noProto = await upgrade(`/ws?token=${TOKEN}`);
    expect(status(noProto)).toBe(400);
    expect(body(noProto)).toContain(SUBPROTOCOL);
    const b64 = await upgrade(`/websockify?token=${TOKEN}&target=127.0.0.1:9`, { 'Sec-WebSocket-Protocol': 'base64' });
    expect(status(b64)).toBe(400);
    expect(body(b64)).toContain('binary');
    const other = await upgrade(`/elsewhere?token=${TOKEN}`);
    expect(status(other)).toBe(404);
    expect(body(other)).toContain('/elsewhere');
    expect(other).not.toContain(TOKEN);
  });

  it('serves /ws with the subprotocol and counts the page; a second websockify stream past the limit is 503', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${gw.port}/ws?token=${TOKEN}`, SUBPROTOCOL);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    expect(ws.protocol).toBe(SUBPROTOCOL);
    for (let i = 0; i < 100 && gw.stats().pages < 1; i++) await new Promise((r) => setTimeout(r, 10));
    expect(gw.stats().pages).toBe(1);

    // A loopback listener that accepts and holds, so the first websockify stream stays open.
    const peer = net.createServer((s) => s.on('error', () => undefined));
    await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r));
    const peerPort = (peer.address() as net.AddressInfo).port;
    const first = new WebSocket(`ws://127.0.0.1:${gw.port}/websockify?token=${TOKEN}&target=127.0.0.1:${peerPort}`, 'binary');
    try {
      await new Promise((resolve, reject) => {
        first.once('open', resolve);
        first.once('error', reject);
      });
      const second = await upgrade(`/websockify?token=${TOKEN}&target=127.0.0.1:${peerPort}`);
      expect(status(second)).toBe(503);
      expect(body(second)).toContain('--max-websockify');
    } finally {
      first.close();
      ws.close();
      peer.close();
    }
  });
});
