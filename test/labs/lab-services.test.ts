import dgram from 'node:dgram';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabServices } from '../../server/labs/lab-services.js';
import type { LabServiceInfo } from '../../server/labs/lab-service.js';
import { parseBurst } from '../../server/labs/burst.js';
import { bulkText, parseBulk } from '../../server/labs/bulk-reply.js';
import { tcpClient, waitFor } from '../helpers/peers.js';

describe('built-in lab services on loopback', () => {
  const labs = new LabServices();
  let services: Map<string, LabServiceInfo>;
  const port = (name: string) => services.get(name)!.port;
  beforeAll(async () => {
    services = new Map((await labs.start()).map((s) => [s.name, s]));
  });
  afterAll(() => labs.stop());

  it('starts all six on 127.0.0.1, each on its own port, and a second start changes nothing', async () => {
    expect([...services.keys()]).toEqual(['tcp-echo', 'udp-echo', 'upper', 'chat', 'burst', 'bulk']);
    for (const s of services.values()) {
      expect(s.host).toBe('127.0.0.1');
      expect(s.port).toBeGreaterThan(0);
    }
    expect(new Set([...services.values()].map((s) => `${s.transport}/${s.port}`)).size).toBe(6);
    expect((await labs.start()).map((s) => s.port)).toEqual([...services.values()].map((s) => s.port));
  });

  it('TCP echo sends every byte back', async () => {
    const c = await tcpClient(port('tcp-echo'));
    const payload = Buffer.alloc(200_000, 'x');
    c.end(payload);
    await waitFor(() => c.data().length === payload.length, 5000, 'echo');
    expect(c.data().equals(payload)).toBe(true);
  });

  it('UDP echo returns each datagram to its sender', async () => {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
    const got = new Promise<Buffer>((r) => s.once('message', (m) => r(m)));
    s.send('ping 1', port('udp-echo'), '127.0.0.1');
    expect((await got).toString()).toBe('ping 1');
    s.close();
  });

  it('upper-case echo serves many clients at once and changes only ASCII letters', async () => {
    const clients = await Promise.all(Array.from({ length: 20 }, () => tcpClient(port('upper'))));
    clients.forEach((c, i) => c.write(`client ${i}: héllo\n`));
    await waitFor(() => clients.every((c, i) => c.data().length === Buffer.byteLength(`client ${i}: héllo\n`)), 5000, 'upper replies');
    clients.forEach((c, i) => expect(c.data().toString()).toBe(`CLIENT ${i}: HéLLO\n`));
    clients.forEach((c) => c.destroy());
  });

  it('chat room relays each line to the others, with join, rename and leave notices', async () => {
    const a = await tcpClient(port('chat'));
    await waitFor(() => a.data().toString().includes('welcome'), 2000, 'welcome');
    const b = await tcpClient(port('chat'));
    const bName = `127.0.0.1:${b.localPort}`;
    await waitFor(() => a.data().toString().includes(`* ${bName} joined (2 online)`), 2000, 'join notice');
    a.write('/nick alice\n');
    await waitFor(() => b.data().toString().includes('is now alice'), 2000, 'rename');
    a.write('hello room\n');
    await waitFor(() => b.data().toString().includes('[alice] hello room\n'), 2000, 'line');
    expect(a.data().toString()).not.toContain('hello room');
    b.destroy();
    await waitFor(() => a.data().toString().includes(`* ${bName} left (1 online)`), 2000, 'leave notice');
    a.destroy();
  });

  it('burst and bulk parse their request grammar and explain mistakes', () => {
    expect(parseBurst('burst 20 hello')).toEqual({ count: 20, text: 'hello', framing: 'raw', gapMs: 0, noDelay: false });
    expect(parseBurst('burst 3 good morning !I gap=10 nodelay')).toEqual({ count: 3, text: 'good morning', framing: '!I', gapMs: 10, noDelay: true });
    expect(parseBurst('burst 2 json')).toMatchObject({ text: 'msg', framing: 'json' });
    expect(() => parseBurst('burst 0 x')).toThrow(/COUNT must be 1–10000/);
    expect(() => parseBurst('burst 5 x gap=99999')).toThrow(/gap must be/);
    expect(parseBulk('bulk 5000 len')).toEqual({ size: 5000, framing: 'i' });
    expect(parseBulk('bulk 10')).toEqual({ size: 10, framing: 'raw' });
    expect(() => parseBulk('bulk 5000 xml')).toThrow(/unknown framing "xml"/);
    expect(() => parseBulk('ls -l')).toThrow(/unknown request "ls"/);
    const text = bulkText(200, 3).toString();
    expect(text.length).toBe(200);
    expect(text.startsWith('#3 line 0001 the quick brown fox')).toBe(true);
    expect(text.split('\n')[1]!.startsWith('#3 line 0002 ')).toBe(true);
  });

  it('bulk answers a request without newline after a short silence, and never runs a command', async () => {
    const c = await tcpClient(port('bulk'));
    c.write('bulk 100');
    await waitFor(() => c.data().length >= 100, 2000, 'reply');
    expect(c.data().toString()).toMatch(/^#1 line 0001 /);
    c.write('ls /\n');
    await waitFor(() => c.data().toString().includes('error:'), 2000, 'error reply');
    expect(c.data().subarray(100).toString()).toBe(`error: unknown request "ls"; usage: bulk SIZE [raw|len|!I|json]\n`);
    c.destroy();
  });

  it('a line over the limit gets an error and the connection closes', async () => {
    const c = await tcpClient(port('burst'));
    const closed = new Promise((r) => c.once('end', r));
    c.write('x'.repeat(5000));
    await closed;
    expect(c.data().toString()).toMatch(/^error: line longer than 1024 bytes/);
  });

  it('stop closes every service and its connections', async () => {
    const other = new LabServices();
    const list = await other.start();
    const c = await tcpClient(list.find((s) => s.name === 'tcp-echo')!.port);
    const closed = new Promise((r) => c.once('end', r));
    await other.stop();
    await closed;
    expect(other.list()).toEqual([]);
    const refused = await new Promise<string>((r) => {
      const s = net.connect(list.find((x) => x.name === 'bulk')!.port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), r('connected')));
      s.once('error', (e: NodeJS.ErrnoException) => r(e.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });
});
