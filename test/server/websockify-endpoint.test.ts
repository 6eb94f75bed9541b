import crypto from 'node:crypto';
import fs from 'node:fs';
import express from 'express';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { launchChromium } from '../helpers/browser.js';
import { closedPort, echoServer } from '../helpers/peers.js';

const NOVNC = '/usr/share/novnc';
let gw: Gateway;
let echo: Awaited<ReturnType<typeof echoServer>>;

beforeAll(async () => {
  gw = await startGateway({ port: 0, audit: null });
  echo = await echoServer();
});
afterAll(async () => {
  await gw.close();
  echo.close();
});

function open(target: string, protocols: string[] = ['binary']): Promise<WebSocket> {
  const ws = new WebSocket(`${gw.origin.replace('http', 'ws')}/websockify?target=${target}&token=${gw.token}`, protocols);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_r, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('/websockify (plain ws client)', () => {
  it('echoes 8 MiB of binary frames byte-exact with the binary subprotocol', async () => {
    const ws = await open(`127.0.0.1:${echo.port}`);
    expect(ws.protocol).toBe('binary');
    const data = crypto.randomBytes(8 << 20);
    const got: Buffer[] = [];
    let n = 0;
    const done = new Promise<void>((r) =>
      ws.on('message', (d: Buffer) => {
        got.push(d);
        n += d.length;
        if (n >= data.length) r();
      }),
    );
    for (let off = 0; off < data.length; off += 65536) ws.send(data.subarray(off, off + 65536));
    await done;
    expect(Buffer.concat(got).equals(data)).toBe(true);
    ws.close();
  });

  it('closes with 1011 and the reason when the target refuses, 1000 "Target closed" when it ends', async () => {
    const refused = await open(`127.0.0.1:${await closedPort()}`);
    const [code, reason] = await new Promise<[number, string]>((r) => refused.on('close', (c, why) => r([c, why.toString()])));
    expect(code).toBe(1011);
    expect(reason).toMatch(/^REFUSED: connect ECONNREFUSED/);

    const { default: net } = await import('node:net');
    const bye = net.createServer((s) => s.end('bye'));
    await new Promise<void>((r) => bye.listen(0, '127.0.0.1', r));
    const ws = await open(`127.0.0.1:${(bye.address() as import('node:net').AddressInfo).port}`);
    const closed = await new Promise<[number, string, string]>((r) => {
      let text = '';
      ws.on('message', (d) => (text += d.toString()));
      ws.on('close', (c, why) => r([c, why.toString(), text]));
    });
    expect(closed).toEqual([1000, 'Target closed', 'bye']);
    bye.close();
  });

  it('applies the target policy and refuses bad targets and the base64 subprotocol', async () => {
    const denied = await open('169.254.169.254:80');
    const [code, reason] = await new Promise<[number, string]>((r) => denied.on('close', (c, why) => r([c, why.toString()])));
    expect(code).toBe(1011);
    expect(reason).toContain('DENIED');
    await expect(open('no-port-here')).rejects.toThrow('HTTP 400');
    await expect(open(`127.0.0.1:${echo.port}`, ['base64'])).rejects.toThrow('HTTP 400');
  });
});

// Needs Debian's novnc package (.ci/run installs it).
describe("/websockify with noVNC's own core/websock.js in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    if (!fs.existsSync(`${NOVNC}/core/websock.js`)) throw new Error(`${NOVNC}/core/websock.js missing: apt-get install novnc`);
    // Serve Debian's noVNC from the gateway's origin so the page is same-origin, like a real deployment.
    gw.app.use('/novnc', express.static(NOVNC));
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  it('echoes through Websock with rQwait/rQshiftBytes', async () => {
    const page = await browser.newPage();
    await page.goto(`${gw.url}`);
    // A string, not a function: the test runner would rewrite a function's dynamic import().
    const result = await page.evaluate(`(async () => {
      const { default: Websock } = await import('/novnc/core/websock.js');
      const sock = new Websock();
      const payload = Array.from({ length: 3000 }, (_, i) => (i * 7) & 0xff);
      return new Promise((resolve, reject) => {
        let got = [];
        sock.on('open', () => {
          for (let i = 0; i < payload.length; i += 1000) sock.send(payload.slice(i, i + 1000));
        });
        sock.on('message', () => {
          // noVNC's parsers wait for whole messages: rQwait says "not yet" until enough is queued.
          if (sock.rQwait('echo', payload.length)) return;
          got = Array.from(sock.rQshiftBytes(payload.length));
          resolve({ ok: got.every((b, i) => b === payload[i]), protocol: sock._websocket.protocol, got: got.length });
          sock.close();
        });
        sock.on('error', () => reject(new Error('websocket error')));
        sock.open('ws://' + location.host + '/websockify?target=127.0.0.1:${echo.port}&token=${gw.token}', ['binary']);
      });
    })()`);
    expect(result).toEqual({ ok: true, protocol: 'binary', got: 3000 });
  });
});
