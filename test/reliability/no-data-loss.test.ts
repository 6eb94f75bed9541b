import crypto from 'node:crypto';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { SocketGateway } from '../../client/lib/index.js';
import type { ClosedMsg, OpenedMsg, ServerMessage } from '../../shared/protocol.js';
import { spawnGateway } from '../helpers/gateway-process.js';
import { ProtocolClient } from '../helpers/protocol-client.js';
import { waitFor } from '../helpers/peers.js';
import { ByteSource, PageStreams, bulkPeer, pageRoundTrip, rand } from './bulk-transfer.js';
import { blasterPeer } from './hostile-peers-kit.js';

/**
 * No byte lost, duplicated or reordered: bulk transfers through a real gateway process,
 * checksummed end to end with SHA-256, and a gateway stopped mid-transfer that tells every
 * page exactly how far each socket got.
 */

const MiB = 2 ** 20;
/** Bytes each way for the big transfer: 1 GiB unless SOCKGATE_BULK_BYTES says otherwise. */
const PER_PAGE = Number(process.env.PER_PAGE ?? 250);
const BULK = Number(process.env.SOCKGATE_BULK_BYTES ?? 1024 * MiB);

describe('no data lost', () => {
  it(`${(BULK / MiB).toFixed(0)} MiB each way through one page, random write and read sizes, random pauses, SHA-256 checked`, async () => {
    const gp = await spawnGateway(['--port', '0', '--quiet']);
    const peer = await bulkPeer(BULK, { maxWrite: 256 * 1024, pauseChance: 0.002 });
    try {
      const page = await ProtocolClient.connect(gp.origin, gp.token);
      const streams = new PageStreams(page, { maxRead: 512 * 1024, pauseChance: 0.002 });
      const started = Date.now();
      const transfer = peer.nextTransfer();
      const page2peer = pageRoundTrip(streams, 1, peer.port, BULK, { maxWrite: 256 * 1024, timeoutMs: 170_000 });
      const { up, down } = await page2peer;
      const t = await transfer;
      const seconds = (Date.now() - started) / 1000;
      console.log(`[bulk] ${(BULK / MiB).toFixed(0)} MiB each way in ${seconds.toFixed(1)} s (${((2 * BULK) / MiB / seconds).toFixed(0)} MiB/s both directions together), gateway RSS ${(gp.rss() / MiB).toFixed(0)} MiB`);
      expect(up.bytes).toBe(BULK);
      expect(down.bytes).toBe(BULK);
      expect(await t.received).toEqual(up); // what the peer read is what the page wrote
      expect(await t.sent).toEqual(down); // what the page read is what the peer wrote
      await page.until(() => page.messages.some((m) => m.t === 'closed' && m.id === 1));
      const closed = page.messages.find((m) => m.t === 'closed' && m.id === 1) as ClosedMsg;
      expect(closed).toMatchObject({ bytesIn: BULK, bytesOut: BULK });
      expect(closed.error).toBeUndefined();
      await page.close();
    } finally {
      await peer.close();
      await gp.stop();
    }
  }, 180_000);

  it('256 MiB each way through the browser library (Node, ws): WHATWG streams with random write sizes and a reader that pauses, SHA-256 checked', async () => {
    const size = Math.min(BULK, 256 * MiB);
    const gp = await spawnGateway(['--port', '0', '--quiet']);
    const peer = await bulkPeer(size, { maxWrite: 256 * 1024, pauseChance: 0.002 });
    const gateway = await SocketGateway.connect(gp.origin, { token: gp.token, WebSocket });
    try {
      const transfer = peer.nextTransfer();
      const socket = new gateway.TCPSocket('127.0.0.1', peer.port);
      const { readable, writable } = await socket.opened;
      const src = new ByteSource(size);
      const upload = (async () => {
        const writer = writable.getWriter();
        while (!src.done) {
          await writer.ready;
          await writer.write(src.next(rand(1, 256 * 1024)));
        }
        await writer.close(); // half-close: the download goes on
        return { bytes: src.produced, sha256: src.hash.digest('hex') };
      })();
      const download = (async () => {
        const hash = crypto.createHash('sha256');
        let bytes = 0;
        const reader = readable.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          // Without extras.chunks the library yields plain bytes.
          const chunk = value as Uint8Array;
          hash.update(chunk);
          bytes += chunk.byteLength;
          if (Math.random() < 0.002) await new Promise((r) => setTimeout(r, rand(1, 5)));
        }
        return { bytes, sha256: hash.digest('hex') };
      })();
      const [up, down] = await Promise.all([upload, download]);
      const t = await transfer;
      expect(up.bytes).toBe(size);
      expect(down.bytes).toBe(size);
      expect(await t.received).toEqual(up);
      expect(await t.sent).toEqual(down);
      await socket.closed;
    } finally {
      await gateway.close();
      await peer.close();
      await gp.stop();
    }
  }, 120_000);

  it('through the library, a gateway stopped mid-transfer fails each socket with SHUTDOWN and closes with 1001 and its reason', async () => {
    const gp = await spawnGateway(['--port', '0', '--quiet']);
    const blaster = await blasterPeer();
    const gateway = await SocketGateway.connect(gp.origin, { token: gp.token, WebSocket });
    try {
      const sockets = [0, 1, 2].map(() => new gateway.TCPSocket('127.0.0.1', blaster.port));
      let received = 0;
      const readers = sockets.map(async (socket) => {
        const reader = (await socket.opened).readable.getReader();
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) return 'ended';
            received += (value as Uint8Array).byteLength;
          }
        } catch (err) {
          return (err as { sockgateCode?: string }).sockgateCode;
        }
      });
      await waitFor(() => received > 8 * MiB, 20_000, 'traffic on every socket');
      await gp.stop('SIGTERM');
      const closedOutcomes = await Promise.all(sockets.map((s) => s.closed.then(() => 'resolved', (err: { name?: string; sockgateCode?: string }) => `${err.name} ${err.sockgateCode}`)));
      expect(closedOutcomes).toEqual(['NetworkError SHUTDOWN', 'NetworkError SHUTDOWN', 'NetworkError SHUTDOWN']);
      expect(await Promise.all(readers)).toEqual(['SHUTDOWN', 'SHUTDOWN', 'SHUTDOWN']);
      expect(await gateway.closed).toMatchObject({ code: 1001, shutdown: 'gateway stopped (SIGTERM)' });
      // Readers get every byte the library counted before the error: nothing queued is discarded.
      const total = sockets.reduce((n, s) => n + s.stats.bytesIn, 0);
      expect(received).toBe(total);
      expect(total).toBeGreaterThan(8 * MiB);
    } finally {
      await gateway.close().catch(() => {});
      await blaster.close();
      await gp.stop();
    }
  });

  it('1,000 concurrent sockets (4 pages × 250) each carrying 1 MiB each way, every one checksummed', async () => {
    const gp = await spawnGateway(['--port', '0', '--quiet']);
    const peer = await bulkPeer(MiB, { maxWrite: 64 * 1024, pauseChance: 0.01 });
    try {
      const pages = await Promise.all(Array.from({ length: 4 }, () => ProtocolClient.connect(gp.origin, gp.token)));
      const started = Date.now();
      const results = await Promise.all(
        pages.flatMap((page) => {
          const streams = new PageStreams(page, { maxRead: 128 * 1024, pauseChance: 0.01 });
          return Array.from({ length: PER_PAGE }, (_, i) => pageRoundTrip(streams, i + 1, peer.port, MiB, { maxWrite: 128 * 1024, timeoutMs: 30_000 }));
        }),
      );
      const seconds = (Date.now() - started) / 1000;
      // Peer side, in accept order; match each to a page socket by its digests.
      const peerSide = await Promise.all(Array.from({ length: 4 * PER_PAGE }, async () => {
        const t = await peer.nextTransfer();
        return { received: await t.received, sent: await t.sent };
      }));
      console.log(`[concurrent] 1000 sockets × 1 MiB each way in ${seconds.toFixed(1)} s, gateway RSS ${(gp.rss() / MiB).toFixed(0)} MiB, ${gp.fds()} fds`);
      const key = (a: { sha256: string }, b: { sha256: string }) => `${a.sha256}/${b.sha256}`;
      const pageKeys = results.map((r) => key(r.up, r.down)).sort();
      const peerKeys = peerSide.map((p) => key(p.received, p.sent)).sort();
      expect(new Set(pageKeys).size).toBe(4 * PER_PAGE); // every stream distinct, so a mix-up cannot hide
      expect(pageKeys).toEqual(peerKeys);
      for (const r of results) expect([r.up.bytes, r.down.bytes]).toEqual([MiB, MiB]);
      for (const page of pages) await page.close();
      await waitFor(() => gp.fds() < 40, 10_000, 'gateway sockets to close');
    } finally {
      await peer.close();
      await gp.stop();
    }
  }, 180_000);

  it('a gateway stopped mid-transfer tells every page, per socket, how many bytes went each way, then shuts down with 1001', async () => {
    const gp = await spawnGateway(['--port', '0', '--quiet']);
    // Uploads go to a reader that counts (so every byte the gateway wrote is readable);
    // downloads come from a peer that sends without end.
    const counts: number[] = [];
    const ends: Array<Promise<void>> = [];
    const reader = net.createServer((s) => {
      const i = counts.push(0) - 1;
      s.on('data', (d) => (counts[i]! += d.length));
      s.on('error', () => {});
      ends.push(new Promise((r) => s.once('close', () => r())));
    });
    await new Promise<void>((r) => reader.listen(0, '127.0.0.1', r));
    const readerPort = (reader.address() as net.AddressInfo).port;
    const blaster = await blasterPeer();
    try {
      const pages = await Promise.all(Array.from({ length: 3 }, () => ProtocolClient.connect(gp.origin, gp.token)));
      const sent = new Map<ProtocolClient, Map<number, number>>();
      let stop = false;
      const uploads: Promise<void>[] = [];
      for (const page of pages) {
        page.autoCredit = true; // downloads read as fast as they come
        const mine = new Map<number, number>();
        sent.set(page, mine);
        for (let id = 1; id <= 4; id++) {
          const opened = (await page.request({ t: 'tcp.connect', id, host: '127.0.0.1', port: readerPort })) as OpenedMsg;
          mine.set(id, 0);
          uploads.push(
            (async () => {
              const src = new ByteSource(Number.MAX_SAFE_INTEGER);
              while (!stop && page.ws.readyState === page.ws.OPEN) {
                const room = opened.sendWindow - (mine.get(id)! - (page.acked.get(id) ?? 0));
                if (room > 0) {
                  const chunk = src.next(Math.min(room, 1 + crypto.randomInt(128 * 1024)));
                  page.write(id, chunk);
                  mine.set(id, mine.get(id)! + chunk.length);
                }
                await new Promise((r) => setTimeout(r, room > 0 ? 0 : 2));
              }
            })(),
          );
        }
        for (let id = 11; id <= 14; id++) await page.request({ t: 'tcp.connect', id, host: '127.0.0.1', port: blaster.port });
      }
      await new Promise((r) => setTimeout(r, 700));
      const stopped = gp.stop('SIGTERM');
      await Promise.all(pages.map((p) => waitFor(() => p.closeCode !== undefined, 10_000, 'the page to be closed')));
      stop = true;
      await Promise.all(uploads);
      expect(await stopped).toBe(0);
      await Promise.all(ends);
      let upTotal = 0;
      let downTotal = 0;
      for (const page of pages) {
        const closedMsgs = page.messages.filter((m): m is ClosedMsg => m.t === 'closed');
        const shutdownAt = page.messages.findIndex((m: ServerMessage) => m.t === 'shutdown');
        expect(shutdownAt, 'a shutdown message').toBeGreaterThan(-1);
        expect(page.closeCode).toBe(1001);
        expect(closedMsgs.map((c) => c.id).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 11, 12, 13, 14]);
        // Every closed comes before the shutdown.
        for (const c of closedMsgs) expect(page.messages.indexOf(c)).toBeLessThan(shutdownAt);
        for (const c of closedMsgs) {
          expect(c.error).toBe('SHUTDOWN');
          // bytesIn is exactly what reached the page: the chunks came before `closed`.
          expect(c.bytesIn, `socket ${c.id} bytesIn`).toBe(page.bytes(c.id).length);
          if (c.id < 10) {
            expect(c.bytesOut).toBeGreaterThan(0);
            expect(c.bytesOut).toBeLessThanOrEqual(sent.get(page)!.get(c.id)!);
            upTotal += c.bytesOut;
          } else {
            expect(c.bytesIn).toBeGreaterThan(0);
            downTotal += c.bytesIn;
          }
        }
      }
      // bytesOut is what the peers can read: the readers got exactly the sum the pages were told.
      expect(counts.reduce((a, b) => a + b, 0)).toBe(upTotal);
      console.log(`[shutdown] 3 pages told: ${(upTotal / MiB).toFixed(1)} MiB up, ${(downTotal / MiB).toFixed(1)} MiB down, all accounted for`);
    } finally {
      await gp.stop();
      await blaster.close();
      reader.close();
    }
  });
});
