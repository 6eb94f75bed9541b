import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorMsg } from '../../shared/protocol.js';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { assertHealthy, baseline, bystanderEcho, httpStatus, type Baseline } from '../helpers/gateway-invariant.js';
import { ProtocolClient } from '../helpers/protocol-client.js';
import { waitFor } from '../helpers/peers.js';

/**
 * Issue 10, the data path: control-message numbers Node would throw on later, empty and tiny
 * Data frames at a peer that does not read, and RST on a TLS socket — against a real gateway
 * process, so a crash shows as a dead process rather than a failed assertion inside it.
 */

let gp: GatewayProcess;
let echo: Awaited<ReturnType<typeof bystanderEcho>>;
let base: Baseline;

/** A TCP server on loopback that accepts and never reads. */
async function nonReadingPeer(): Promise<{ port: number; close: () => void }> {
  const held: net.Socket[] = [];
  const server = net.createServer((s) => {
    s.pause();
    s.on('error', () => {});
    held.push(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, close: () => (held.forEach((s) => s.destroy()), server.close()) };
}

/**
 * Writes 64 KiB pieces until the kernel stops taking them (no Ack within 300 ms), so what the
 * page sends next waits in the gateway — loopback buffers otherwise swallow megabytes.
 */
async function fillKernelBuffers(page: ProtocolClient, id: number): Promise<void> {
  const piece = Buffer.alloc(64 * 1024, 0x62);
  for (let sent = 0; ; ) {
    page.write(id, piece);
    sent += piece.length;
    const deadline = Date.now() + 300;
    while ((page.acked.get(id) ?? 0) < sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    if ((page.acked.get(id) ?? 0) < sent) return;
  }
}

beforeAll(async () => {
  echo = await bystanderEcho();
  gp = await spawnGateway(['--port', '0', '--quiet']);
  base = await baseline(gp, echo.port);
});
afterAll(async () => {
  await gp?.stop();
  await echo?.close();
});

describe('control-message numbers are range-checked before any Node API sees them', () => {
  it('udp.bind with a buffer size of 2^31 is BAD_OPTION naming the field, and the gateway lives', async () => {
    const page = await ProtocolClient.connect(gp.origin, gp.token);
    for (const field of ['receiveBufferSize', 'sendBufferSize']) {
      const reply = (await page.request({ t: 'udp.bind', id: 1, host: '127.0.0.1', [field]: 2 ** 31 })) as ErrorMsg;
      expect(reply).toMatchObject({ t: 'error', code: 'BAD_OPTION', message: expect.stringContaining(`"${field}"`) });
      // Give an asynchronous throw (Node's dgram bind callback) time to kill the process.
      await new Promise((r) => setTimeout(r, 200));
      expect(await httpStatus(gp, '/api/health')).toBe(200);
    }
    // The largest size Node takes is accepted (the kernel caps it at its own maximum).
    expect(await page.request({ t: 'udp.bind', id: 2, host: '127.0.0.1', receiveBufferSize: 2 ** 31 - 1, sendBufferSize: 2 ** 31 - 1 })).toMatchObject({ t: 'opened' });
    await page.close();
    await assertHealthy(gp, echo.port, base);
  });

  it('every ranged field answers BAD_OPTION naming itself just past its range', async () => {
    const page = await ProtocolClient.connect(gp.origin, gp.token);
    const cases = [
      { t: 'udp.bind', id: 3, host: '127.0.0.1', multicastTTL: 256 },
      { t: 'tcp.connect', id: 4, host: '127.0.0.1', port: echo.port, keepAliveDelay: 32_767_001 },
      { t: 'tcp.connect', id: 5, host: '127.0.0.1', port: echo.port, timeoutMs: 2 ** 31 },
      { t: 'tcp.listen', id: 6, host: '127.0.0.1', port: 0, backlog: 65536 },
      { t: 'set', id: 7, readSize: 0 },
      { t: 'set', id: 7, readDelayMs: 60_001 },
    ] as const;
    for (const msg of cases) {
      const field = Object.keys(msg).at(-1)!;
      expect(await page.request(msg as never), JSON.stringify(msg)).toMatchObject({ t: 'error', code: 'BAD_OPTION', message: expect.stringContaining(`"${field}"`) });
    }
    await page.close();
  });
});

describe('socket options the OS refuses are errors with a code, never INTERNAL (found by fuzzing)', () => {
  it('multicastInterface of the other family is BAD_OPTION; set on a closing UDP socket is INVALID_STATE', async () => {
    const page = await ProtocolClient.connect(gp.origin, gp.token);
    expect(await page.request({ t: 'udp.bind', id: 1, host: '127.0.0.1', multicastInterface: '::1' })).toMatchObject({ code: 'BAD_OPTION', osCode: 'ENOPROTOOPT' });
    expect(await page.request({ t: 'udp.bind', id: 2, host: '127.0.0.1' })).toMatchObject({ t: 'opened' });
    const closed = page.request({ t: 'close', id: 2 });
    // Sent before the close completes: the relay is still listed, its handle already gone.
    const set = page.request({ t: 'set', id: 2, broadcast: true });
    expect(await closed).toMatchObject({ t: 'closed' });
    expect(await set).toMatchObject({ t: 'error', code: expect.stringMatching(/^(INVALID_STATE|UNKNOWN_SOCKET)$/) });
    await page.close();
  });
});

describe('Data frames at a peer that does not read', () => {
  it('a zero-length Data frame is BAD_MESSAGE and the socket stays usable', async () => {
    const page = await ProtocolClient.connect(gp.origin, gp.token);
    expect(await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: echo.port })).toMatchObject({ t: 'opened' });
    const before = page.messages.length;
    page.write(1, new Uint8Array(0));
    await page.next((m) => m.t === 'error');
    expect(page.messages.slice(before).find((m) => m.t === 'error')).toMatchObject({ id: 1, code: 'BAD_MESSAGE' });
    page.write(1, Buffer.from('after'));
    await page.until(() => page.bytes(1).toString() === 'after');
    await page.close();
  });

  it('one-byte frames within credit cost bounded memory: writes queued per socket are capped in entries', async () => {
    const peer = await nonReadingPeer();
    const page = await ProtocolClient.connect(gp.origin, gp.token);
    expect(await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: peer.port })).toMatchObject({ t: 'opened' });
    await fillKernelBuffers(page, 1);
    const rssBefore = gp.rss();
    const frame = new Uint8Array([1, 0, 0, 0, 1, 0x61]);
    // 600,000 one-byte writes: within the 1 MiB send window, ~200 bytes of bookkeeping each when queued one by one.
    for (let i = 0; i < 600_000; i++) {
      page.sendBinary(frame);
      if (i % 20_000 === 0) await new Promise((r) => setImmediate(r));
    }
    await new Promise<void>((r) => page.ws.send(new Uint8Array(0), () => r()));
    // Every frame reached the gateway: a control message after them is answered after them.
    expect(await page.request({ t: 'set', id: 1, noDelay: true })).toMatchObject({ t: 'ok' });
    const growth = gp.rss() - rssBefore;
    expect(growth, `gateway RSS grew ${(growth / 2 ** 20).toFixed(1)} MiB`).toBeLessThan(48 * 2 ** 20);
    await page.close();
    peer.close();
    await assertHealthy(gp, echo.port, base);
  });
});

describe('close {reset: true} after end (found by fuzzing)', () => {
  it('closes the half-closed socket and leaks no descriptor (libuv refuses RST after FIN; the fd stayed open)', async () => {
    for (let round = 0; round < 3; round++) {
      const page = await ProtocolClient.connect(gp.origin, gp.token);
      expect(await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port: echo.port })).toMatchObject({ t: 'opened' });
      // The reset right behind the FIN, before the peer's FIN can close the socket by itself.
      const ended = page.request({ t: 'end', id: 1 });
      const closed = await page.request({ t: 'close', id: 1, reset: true });
      expect(await ended).toMatchObject({ t: 'ok', op: 'end' });
      expect(closed).toMatchObject({ t: 'closed', id: 1 });
      expect(page.messages.filter((m) => m.t === 'error')).toEqual([]);
      await page.close();
    }
    await assertHealthy(gp, echo.port, base);
  });
});

describe('close {reset: true} on a TLS socket', () => {
  it('sends RST under the TLS layer and reports closed (was INTERNAL, socket stuck)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockgate-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=localhost', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
    const key = fs.readFileSync(path.join(dir, 'key.pem'));
    const cert = fs.readFileSync(path.join(dir, 'cert.pem'));
    fs.rmSync(dir, { recursive: true, force: true });
    const serverSide: { connected: boolean; closed: boolean; error?: string } = { connected: false, closed: false };
    const server = tls.createServer({ key, cert }, (s) => {
      serverSide.connected = true;
      s.on('error', (e: NodeJS.ErrnoException) => (serverSide.error = e.code));
      s.on('close', () => (serverSide.closed = true));
      // Reading, so the RST is seen as ECONNRESET rather than a quiet close of a paused stream.
      s.resume();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const page = await ProtocolClient.connect(gp.origin, gp.token);
    try {
      expect(await page.request({ t: 'tcp.connect', id: 1, host: '127.0.0.1', port, tls: { insecure: true } })).toMatchObject({ t: 'opened' });
      // TLS 1.3: the client is up before the server has read its Finished; reset only once both are.
      await waitFor(() => serverSide.connected, 5_000, 'the TLS server to complete the handshake');
      expect(await page.request({ t: 'close', id: 1, reset: true })).toMatchObject({ t: 'closed', id: 1 });
      await waitFor(() => serverSide.closed, 5_000, 'the TLS server to see the connection go');
      expect(serverSide.error).toBe('ECONNRESET');
    } finally {
      await page.close();
      server.close();
    }
  });
});
