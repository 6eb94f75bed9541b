import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LINE_IDLE_MS, readLines } from '../../server/labs/line-reader.js';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

/**
 * A loopback server on port 0 whose connections go through readLines; `onLine` gets each line
 * and the server socket (to reply on). Resolves with a connected client.
 */
async function serve(maxLine: number, onLine: (line: string, socket: net.Socket) => Promise<void> | void): Promise<net.Socket> {
  // Half-open, so replies to requests queued before the client's FIN can still go out (with
  // Node's default, the socket's write side ends at the FIN and async replies are lost).
  const srv = net.createServer({ allowHalfOpen: true }, (s) => {
    s.on('error', () => undefined);
    readLines(s, maxLine, (line) => onLine(line, s));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const client = net.connect((srv.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise((r) => client.once('connect', r));
  cleanup.push(() => {
    client.destroy();
    srv.close();
  });
  return client;
}

/** Everything the server sends until it closes its side. */
function untilEnd(client: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    client.on('data', (d) => (got += d.toString()));
    client.on('end', () => resolve(got));
    client.on('close', () => resolve(got));
  });
}

describe('line-reader', () => {
  it('splits on \\n, drops one \\r before it, keeps lines split across writes, and serves them in order', async () => {
    const lines: string[] = [];
    const client = await serve(1024, (line, s) => {
      lines.push(line);
      s.write(`<${line}>`);
    });
    const done = untilEnd(client);
    client.write('one\r\ntw');
    await new Promise((r) => setTimeout(r, 10));
    client.write('o\n\nthree\r\r\nfün');
    client.end('f\n');
    expect(await done).toBe('<one><two><><three\r><fünf>');
    expect(lines).toEqual(['one', 'two', '', 'three\r', 'fünf']);
  });

  it('waits for each handler before the next, even when the client pipelines', async () => {
    let running = 0;
    let most = 0;
    const client = await serve(1024, async (line, s) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, line === 'a' ? 40 : 1));
      s.write(line);
      running--;
    });
    const done = untilEnd(client);
    // Separate segments, so more lines arrive while the first handler still runs.
    client.write('a\n');
    await new Promise((r) => setTimeout(r, 10));
    client.write('b\n');
    await new Promise((r) => setTimeout(r, 10));
    client.end('c\n');
    expect(await done).toBe('abc');
    expect(most).toBe(1);
  });

  it('takes bytes without a newline as a line after the idle time, and the rest at half-close', async () => {
    const seen: { line: string; at: number }[] = [];
    const start = Date.now();
    const client = await serve(1024, (line, s) => {
      seen.push({ line, at: Date.now() - start });
      s.write(`[${line}]`);
    });
    const done = untilEnd(client);
    client.write('no newline');
    await new Promise((r) => setTimeout(r, LINE_IDLE_MS * 3));
    expect(seen.map((s) => s.line)).toEqual(['no newline']);
    expect(seen[0]!.at).toBeGreaterThanOrEqual(LINE_IDLE_MS - 5);
    client.end('tail');
    expect(await done).toBe('[no newline][tail]');
  });

  it('answers a line longer than maxLine with an error and closes, without handing it on', async () => {
    const lines: string[] = [];
    const client = await serve(8, (line) => void lines.push(line));
    const done = untilEnd(client);
    client.write('short\n' + 'x'.repeat(20));
    expect(await done).toBe('error: line longer than 8 bytes; closing\n');
    expect(lines).toEqual([]);
  });
});
