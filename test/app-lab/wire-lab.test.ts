/**
 * Issue 16 items 2 and 6 in real Chromium over real loopback sockets: the sticky lab's handshake
 * diagram from the gateway's tcpdump (SYN, SYN-ACK, ACK with consistent numbers, data, the FIN/ACK
 * close, RST for a refused port, the pcapng download read back by tshark, the "what is missing"
 * text), the manual recv(n) with a timeout / non-blocking / pending state, and the TCP server's
 * SO_REUSEADDR checkbox against a port held only by TIME_WAIT.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { artifactPath, launchChromium } from '../helpers/browser.js';
import { openPage } from '../app/page-driver.js';
import { freePort, timeWaitPort } from '../helpers/loopback-ports.js';

let gateway: Gateway;
let browser: Browser;
let page: Page;

interface Seg {
  flags: string;
  dir: string;
  seq: number;
  ack: number | undefined;
  rawSeq: number;
  rawAck: number;
  len: number;
}

async function segments(): Promise<Seg[]> {
  return page.locator('[data-testid^="segment-"]').evaluateAll((els) =>
    els.map((el) => {
      const d = (el as HTMLElement).dataset;
      return { flags: d.flags!, dir: d.dir!, seq: Number(d.seq), ack: d.ack === '' ? undefined : Number(d.ack), rawSeq: Number(d.rawSeq), rawAck: Number(d.rawAck), len: Number(d.len) };
    }),
  );
}

const stage = () => page.locator('[data-testid="lab-stage"]');
const labMessage = () => page.locator('[data-testid="lab-message"]').textContent();

async function setPlayTarget(target: 'pair' | 'remote', port?: number): Promise<void> {
  await page.locator('[data-testid="play-target"]').selectOption(target);
  if (port !== undefined) {
    await page.locator('[data-testid="play-host"]').fill('127.0.0.1');
    await page.locator('[data-testid="play-port"]').fill(String(port));
  }
}


beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build.mjs', '--if-needed'], { stdio: 'inherit' });
  gateway = await startGateway({ port: 0, audit: null });
  browser = await launchChromium();
  page = await openPage(browser, `${gateway.origin}/?token=${encodeURIComponent(gateway.token)}`);
  await page.locator('[data-testid="nav-lab"]').click();
  await page.locator('[data-testid="capture-toggle"]').setChecked(true);
});

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
});

describe('the handshake and the close on the wire (Chromium)', () => {
  it('SYN, SYN-ACK, ACK with consistent numbers, the data, then FIN/ACK both ways; the pcapng has the same packets', async () => {
    await setPlayTarget('pair');
    await page.locator('[data-testid="play-messages"]').fill('hello\nworld');
    await page.locator('[data-testid="send-button"]').click();
    await expect.poll(() => stage().getAttribute('data-status')).toBe('done');
    await expect.poll(async () => (await segments()).reduce((n, s) => n + s.len, 0)).toBe(10);
    const [syn, synAck, ack] = await segments();
    expect([syn!.flags, synAck!.flags, ack!.flags]).toEqual(['SYN', 'SYN+ACK', 'ACK']);
    expect([syn!.dir, synAck!.dir, ack!.dir]).toEqual(['c2s', 's2c', 'c2s']);
    expect(synAck!.rawAck).toBe((syn!.rawSeq + 1) >>> 0);
    expect(ack!.rawSeq).toBe((syn!.rawSeq + 1) >>> 0);
    expect(ack!.rawAck).toBe((synAck!.rawSeq + 1) >>> 0);
    // Relative numbers, as Wireshark shows them.
    expect([syn!.seq, synAck!.seq, synAck!.ack, ack!.seq, ack!.ack]).toEqual([0, 0, 1, 1, 1]);
    const data = (await segments()).filter((s) => s.len > 0);
    expect(data.reduce((n, s) => n + s.len, 0)).toBe(10);
    expect(data[0]).toMatchObject({ dir: 'c2s', seq: 1 });
    // The close: the client first (FIN_WAIT2 / CLOSE_WAIT), then the accepted socket.
    await page.locator('[data-testid="tcp-close-client"]').click();
    await page.locator('[data-testid="tcp-close-accepted"]').click();
    await expect.poll(async () => (await segments()).filter((s) => s.flags.includes('FIN')).length, { timeout: 8000 }).toBe(2);
    await expect.poll(() => page.locator('[data-testid="capture-status"]').getAttribute('data-state'), { timeout: 8000 }).toBe('ended');
    const all = await segments();
    const fins = all.filter((s) => s.flags.includes('FIN'));
    expect(fins.map((s) => s.dir)).toEqual(['c2s', 's2c']);
    // Each FIN takes one sequence number: the last ACK acknowledges the server's FIN + 1.
    const last = all.at(-1)!;
    expect(last).toMatchObject({ flags: 'ACK', dir: 'c2s' });
    expect(last.rawAck).toBe((fins[1]!.rawSeq + 1) >>> 0);
    expect(fins[0]!.seq).toBe(11);
    await expect.poll(() => page.locator('[data-testid="tcp-row-client"]').getAttribute('data-state')).toBe('TIME_WAIT');
    await page.locator('[data-testid="wire-panel"]').screenshot({ path: artifactPath('wire-handshake-en-light.png') });

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="capture-download"]').click()]);
    const file = artifactPath('wire-handshake.pcapng');
    await download.saveAs(file);
    expect(readFileSync(file).readUInt32LE(0)).toBe(0x0a0d0d0a);
    const fields = execFileSync('tshark', ['-r', file, '-o', 'tcp.relative_sequence_numbers:FALSE', '-T', 'fields', '-e', 'tcp.flags.str', '-e', 'tcp.seq', '-e', 'tcp.ack', '-e', 'tcp.len'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(fields).toHaveLength(all.length);
    expect(fields.map((f) => Number(f[1]))).toEqual(all.map((s) => s.rawSeq));
    expect(fields.map((f) => Number(f[3]))).toEqual(all.map((s) => s.len));
    expect(fields[0]![0]).toMatch(/S/);
  });

  it('a refused port: SYN, then RST+ACK acknowledging it', async () => {
    const port = await freePort();
    await setPlayTarget('remote', port);
    await page.locator('[data-testid="new-connection"]').click();
    await expect.poll(() => stage().getAttribute('data-status')).toBe('error');
    expect(await labMessage()).toMatch(/refused|REFUSED/);
    await expect.poll(async () => (await segments()).map((s) => s.flags), { timeout: 8000 }).toEqual(['SYN', 'RST+ACK']);
    const [syn, rst] = await segments();
    expect(rst!.rawAck).toBe((syn!.rawSeq + 1) >>> 0);
    expect(rst!.dir).toBe('s2c');
  });

  it('without tcpdump the panel says exactly what is missing', async () => {
    process.env.SOCKGATE_TCPDUMP = '/nonexistent/tcpdump';
    try {
      await setPlayTarget('pair');
      await page.locator('[data-testid="new-connection"]').click();
      await expect.poll(() => page.locator('[data-testid="capture-unavailable"]').textContent()).toMatch(/tcpdump is not installed \(no \/nonexistent\/tcpdump; on Debian: apt-get install tcpdump\)/);
      // The lab connection itself still works.
      await expect.poll(() => stage().getAttribute('data-status')).toBe('idle');
    } finally {
      delete process.env.SOCKGATE_TCPDUMP;
    }
  });
});

describe('recv(n): timeout, non-blocking, pending (Chromium)', () => {
  beforeAll(async () => {
    await page.locator('[data-testid="capture-toggle"]').setChecked(false);
    await setPlayTarget('pair');
    await page.locator('[data-testid="knob-manual"]').setChecked(true);
    await page.locator('[data-testid="new-connection"]').click();
    await page.locator('[data-testid="lab-stage"][data-status="idle"]').waitFor();
  });

  it('non-blocking with nothing queued: BlockingIOError at once', async () => {
    await page.locator('[data-testid="knob-recv-mode"]').selectOption('nonblocking');
    await page.locator('[data-testid="recv-button"]').click();
    await expect.poll(labMessage).toMatch(/^BlockingIOError: \[Errno 11\] Resource temporarily unavailable/);
  });

  it('with a timeout: pending while it waits, then socket.timeout', async () => {
    await page.locator('[data-testid="knob-recv-mode"]').selectOption('timeout');
    const t = page.locator('[data-testid="knob-recv-timeout"]');
    await t.fill('800');
    await t.dispatchEvent('change');
    await page.locator('[data-testid="recv-button"]').click();
    await expect(page.locator('[data-testid="recv-pending"]').textContent()).resolves.toMatch(/waiting for data \(times out after 800 ms\)/);
    expect(await page.locator('[data-testid="recv-button"]').getAttribute('aria-busy')).toBe('true');
    await expect.poll(labMessage, { timeout: 5000 }).toMatch(/^socket\.timeout: timed out — nothing arrived within 800 ms/);
    expect(await page.locator('[data-testid="recv-pending"]').count()).toBe(0);
  });

  it('blocking: pending, a second press says in words that one recv waits, data ends the wait', async () => {
    await page.locator('[data-testid="knob-recv-mode"]').selectOption('blocking');
    await page.locator('[data-testid="recv-button"]').click();
    await expect.poll(() => page.locator('[data-testid="recv-pending"]').textContent()).toMatch(/recv\(1024\) is blocked, waiting for data/);
    await page.locator('[data-testid="recv-button"]').click();
    await expect.poll(labMessage).toBe('recv(1024) is still waiting; one recv() at a time on a socket.');
    await page.locator('[data-testid="recv-pending"]').screenshot({ path: artifactPath('wire-recv-pending-en.png') });
    await page.locator('[data-testid="play-messages"]').fill('abc');
    await page.locator('[data-testid="send-button"]').click();
    await expect.poll(labMessage).toBe('recv(1024) returned 3 bytes.');
    expect(await page.locator('[data-testid="recv-pending"]').count()).toBe(0);
    // No raw protocol text anywhere on the stage.
    expect(await stage().textContent()).not.toMatch(/still waiting for data; one at a time|socket \d+:/);
  });
});

describe('SO_REUSEADDR on the TCP server (Chromium)', () => {

  async function listen(port: number, reuse: boolean): Promise<void> {
    await page.locator('[data-testid="nav-workspace"]').click();
    await page.getByTestId('new-server').click();
    await page.getByTestId('server-address').selectOption('127.0.0.1');
    await page.getByTestId('server-port').fill(String(port));
    await page.getByTestId('server-reuseaddr').setChecked(reuse);
    await page.getByTestId('dialog-open').click();
  }

  it('unticked: the plain bind fails and says only TIME_WAIT holds the port; ticked: it listens', async () => {
    const port = await timeWaitPort();
    await listen(port, false);
    const error = page.getByTestId('socket-error');
    await expect.poll(() => error.textContent(), { timeout: 10_000 }).toMatch(/only 1 connection\(s\) in TIME_WAIT hold the port/);
    expect(await error.textContent()).not.toMatch(/another socket/);
    await error.screenshot({ path: artifactPath('wire-reuseaddr-en.png') });
    await listen(port, true);
    await page.locator('[data-testid=socket-header][data-state=open]').waitFor();
    expect(await page.getByTestId('socket-title').textContent()).toContain(String(port));
  });
});
