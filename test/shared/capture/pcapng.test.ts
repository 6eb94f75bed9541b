/**
 * The pcapng writer and the packet synthesis: block structure read back field by field, RFC 1071
 * checksums (the RFC's own example, and every synthesised IPv4/TCP/UDP header verifying to zero),
 * TCP sequence/ack progression across handshake, data and close, and tshark (Debian's Wireshark
 * CLI) dissecting an IPv4 TCP, an IPv6 TCP and a UDP flow with no bad checksum or sequence warning.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { jsonLines, pcapngBlocks } from '../../../shared/capture/capture-export.js';
import type { CaptureFlow } from '../../../shared/capture/capture-flow.js';
import { internetChecksum, MAX_TCP_PAYLOAD, parseIp } from '../../../shared/capture/packets.js';
import { BlockType, BYTE_ORDER_MAGIC } from '../../../shared/capture/pcapng.js';
import { synthesise } from '../../../shared/capture/tcp-synth.js';

const te = new TextEncoder();
const T = 1_764_000_000_000.5;

function tcpFlow(over: Partial<CaptureFlow> = {}): CaptureFlow {
  return {
    proto: 'tcp',
    local: { address: '127.0.0.1', port: 40000 },
    remote: { address: '127.0.0.1', port: 7 },
    initiator: 'local',
    openedAt: T,
    closedAt: T + 40,
    records: [
      { dir: 'out', kind: 'data', time: T + 10, timeSource: 'page', bytes: te.encode('hello') },
      { dir: 'in', kind: 'data', time: T + 11, timeSource: 'gateway', seq: 0, bytes: te.encode('hel') },
      { dir: 'in', kind: 'data', time: T + 12, timeSource: 'gateway', seq: 1, bytes: te.encode('lo') },
      { dir: 'out', kind: 'fin', time: T + 20, timeSource: 'page' },
      { dir: 'in', kind: 'fin', time: T + 21, timeSource: 'gateway' },
    ],
    ...over,
  };
}

/** Splits a pcapng file into blocks, checking each block's two length fields agree. */
function readBlocks(bytes: Uint8Array): { type: number; body: DataView }[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = [];
  for (let at = 0; at < bytes.length; ) {
    const type = view.getUint32(at, true);
    const len = view.getUint32(at + 4, true);
    expect(len % 4).toBe(0);
    expect(view.getUint32(at + len - 4, true)).toBe(len);
    out.push({ type, body: new DataView(bytes.buffer, bytes.byteOffset + at + 8, len - 12) });
    at += len;
  }
  return out;
}

const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
};

describe('pcapng writer', () => {
  test('RFC 1071 example checksum, odd lengths across parts, and address parsing', () => {
    const bytes = Uint8Array.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7);
    expect(internetChecksum(bytes)).toBe(~0xddf2 & 0xffff);
    expect(internetChecksum(bytes.subarray(0, 3), bytes.subarray(3))).toBe(~0xddf2 & 0xffff);
    expect([...parseIp('10.1.2.3')!]).toEqual([10, 1, 2, 3]);
    expect([...parseIp('::1')!]).toEqual([...Array(15).fill(0), 1]);
    expect([...parseIp('[::ffff:127.0.0.1]')!].slice(10)).toEqual([0xff, 0xff, 127, 0, 0, 1]);
    expect(parseIp('fe80::1%eth0')![0]).toBe(0xfe);
    expect(parseIp('localhost')).toBeUndefined();
    expect(parseIp('1.2.3.256')).toBeUndefined();
    expect(parseIp('1:2:3:4:5:6:7')).toBeUndefined();
  });

  test('structure: SHB (magic, version), one Ethernet IDB, one EPB per packet with times and flags', () => {
    const blocks = readBlocks(concat(pcapngBlocks([tcpFlow()])));
    expect(blocks[0]!.type).toBe(BlockType.SHB);
    expect(blocks[0]!.body.getUint32(0, true)).toBe(BYTE_ORDER_MAGIC);
    expect(blocks[0]!.body.getUint16(4, true)).toBe(1);
    expect(blocks[1]!.type).toBe(BlockType.IDB);
    expect(blocks[1]!.body.getUint16(0, true)).toBe(1); // LINKTYPE_ETHERNET
    const epbs = blocks.slice(2);
    // 3 handshake + 3 data + FIN, FIN, last ACK.
    expect(epbs.map((b) => b.type)).toEqual(Array(9).fill(BlockType.EPB));
    const first = epbs[0]!.body;
    const micros = first.getUint32(4, true) * 2 ** 32 + first.getUint32(8, true);
    expect(micros).toBe(Math.round(T * 1000));
    expect(first.getUint32(12, true)).toBe(first.getUint32(16, true));
  });

  test('headers: IPv4 and TCP checksums verify, seq/ack follow the stream, FINs count one', () => {
    const packets = synthesise(tcpFlow());
    const parsed = packets.map(({ frame }) => {
      const ip = frame.subarray(14);
      expect(internetChecksum(ip.subarray(0, 20))).toBe(0);
      const tcp = ip.subarray(20);
      const pseudo = new Uint8Array(12);
      pseudo.set(ip.subarray(12, 20));
      pseudo[9] = 6;
      pseudo[10] = tcp.length >> 8;
      pseudo[11] = tcp.length & 0xff;
      expect(internetChecksum(pseudo, tcp)).toBe(0);
      const v = new DataView(tcp.buffer, tcp.byteOffset);
      return { sport: v.getUint16(0), seq: v.getUint32(4), ack: v.getUint32(8), flags: tcp[13]!, len: tcp.length - (tcp[12]! >> 4) * 4 };
    });
    const c0 = parsed[0]!.seq;
    const s0 = parsed[1]!.seq;
    const rel = parsed.map((p) => [p.sport, p.flags, p.seq - (p.sport === 40000 ? c0 : s0), p.ack === 0 ? 0 : p.ack - (p.sport === 40000 ? s0 : c0), p.len]);
    expect(rel).toEqual([
      [40000, 0x02, 0, 0, 0], // SYN
      [7, 0x12, 0, 1, 0], // SYN-ACK
      [40000, 0x10, 1, 1, 0], // ACK
      [40000, 0x18, 1, 1, 5], // hello
      [7, 0x18, 1, 6, 3], // hel
      [7, 0x18, 4, 6, 2], // lo
      [40000, 0x11, 6, 6, 0], // FIN from the page
      [7, 0x11, 6, 7, 0], // FIN from the peer
      [40000, 0x10, 7, 7, 0], // last ACK
    ]);
  });

  test('a read past the IPv4 limit becomes the fewest segments; an accepted connection\'s SYN comes from the peer', () => {
    const big = new Uint8Array(MAX_TCP_PAYLOAD + 41).fill(7);
    const packets = synthesise(tcpFlow({ initiator: 'remote', closedAt: undefined, records: [{ dir: 'in', kind: 'data', time: T, timeSource: 'gateway', seq: 0, bytes: big }] }));
    expect(packets.length).toBe(5);
    expect(packets[0]!.direction).toBe('inbound');
    expect(packets.slice(3).map((p) => p.frame.length - 14 - 40)).toEqual([MAX_TCP_PAYLOAD, 41]);
  });

  test('tshark dissects IPv4 TCP, IPv6 TCP and UDP flows: counts, payloads, no checksum or sequence warnings', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcapng-'));
    const file = path.join(dir, 'flows.pcapng');
    const v6 = tcpFlow({ local: { address: '::1', port: 40001 }, remote: { address: '::1', port: 8080 } });
    const udp: CaptureFlow = {
      proto: 'udp',
      local: { address: '0.0.0.0', port: 5353 },
      openedAt: T,
      records: [
        { dir: 'in', kind: 'data', time: T + 1, timeSource: 'gateway', seq: 0, bytes: te.encode('ping'), peer: { address: '127.0.0.1', port: 9999 } },
        { dir: 'out', kind: 'data', time: T + 2, timeSource: 'page', bytes: te.encode('pong!'), peer: { address: '127.0.0.1', port: 9999 } },
      ],
    };
    fs.writeFileSync(file, concat(pcapngBlocks([tcpFlow(), v6, udp])));
    // One tshark run (it takes a second or two to start): a row of fields per packet.
    const fields = ['ip.version', 'ipv6.version', 'tcp.flags.syn', 'tcp.payload', 'udp.payload', 'tcp.checksum.status', 'udp.checksum.status', 'ip.checksum.status', 'tcp.analysis.flags', 'frame.comment'];
    const rows = execFileSync('tshark', ['-n', '-r', file, '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', '-T', 'fields', '-E', 'separator=|', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((line) => Object.fromEntries(line.split('|').map((v, i) => [fields[i]!, v])));
    expect(rows.length).toBe(9 + 9 + 2);
    const hex = (s: string) => Buffer.from(s).toString('hex');
    const payloads = rows.map((r) => r['tcp.payload'] || r['udp.payload']).filter(Boolean);
    expect([...payloads].sort()).toEqual([hex('hello'), hex('hel'), hex('lo'), hex('hello'), hex('hel'), hex('lo'), hex('ping'), hex('pong!')].sort());
    // Nothing for the expert to complain about: every checksum good (1), no sequence analysis flags.
    for (const r of rows) {
      expect(r['tcp.checksum.status'] || '1').toBe('1');
      expect(r['udp.checksum.status'] || '1').toBe('1');
      expect(r['ip.checksum.status'] || '1').toBe('1');
      expect(r['tcp.analysis.flags']).toBe('');
    }
    expect(rows.filter((r) => r['ipv6.version'] === '6' && ['1', 'True'].includes(r['tcp.flags.syn']!)).length).toBe(2);
    expect(rows.filter((r) => r['frame.comment']!.includes('gateway read #1')).map((r) => r['tcp.payload'])).toEqual([hex('lo'), hex('lo')]);
    fs.rmSync(dir, { recursive: true });
  });

  test('JSON Lines: open, one line per record with base64 payload and gateway seq, close', () => {
    const lines = jsonLines([tcpFlow()]).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.type)).toEqual(['open', 'data', 'data', 'data', 'fin', 'fin', 'close']);
    expect(lines[1]).toMatchObject({ dir: 'out', src: '127.0.0.1:40000', dst: '127.0.0.1:7', len: 5, base64: 'aGVsbG8=', timeSource: 'page' });
    expect(lines[3]).toMatchObject({ dir: 'in', gatewaySeq: 1, base64: 'bG8=', timeSource: 'gateway' });
  });
});
