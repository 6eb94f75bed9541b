import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { isLoopbackHost } from '../../server/access-control.js';
import { startGateway, type Gateway } from '../../server/gateway.js';

describe('heartbeat', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway({ port: 0, audit: null, heartbeatMs: 150 });
  });
  afterAll(() => gw.close());

  const open = (autoPong: boolean) =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`${gw.origin.replace('http', 'ws')}/ws?token=${gw.token}`, ['sockgate.v1'], { autoPong });
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });

  it('unsolicited pongs keep nobody alive: a page that never answers our ping is dropped (4002), a live one stays', async () => {
    const deaf = await open(false);
    const live = await open(true);
    const spam = setInterval(() => deaf.pong(Buffer.from('not yours')), 20);
    try {
      const code = await new Promise<number>((resolve) => {
        deaf.once('close', (c) => resolve(c));
        setTimeout(() => resolve(-1), 3_000); // 20 heartbeat rounds: the old gateway never dropped it
      });
      expect(code).toBe(4002);
      expect(live.readyState).toBe(WebSocket.OPEN);
    } finally {
      clearInterval(spam);
      live.close();
    }
  });
});

describe('tokenless only on loopback', () => {
  it('takes loopback IP literals and localhost, not names that look like them', async () => {
    for (const h of ['127.0.0.1', '127.9.8.7', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['127.evil.example', '127.0.0.1.nip.io', '0.0.0.0', '::', '10.0.0.1', '127.', 'localhost.evil']) expect(isLoopbackHost(h), h).toBe(false);
    await expect(startGateway({ host: '127.evil.example', token: '', port: 0, audit: null })).rejects.toThrow(/without a token/);
  });
});
