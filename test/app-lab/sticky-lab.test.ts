/**
 * The sticky-packet lab in real Chromium, through the real page (dist/public, built by
 * scripts/build.mjs) and a real gateway: each guided scenario runs end to end over loopback
 * sockets, and the test asserts what the picture shows (messages written, reads, messages
 * decoded and intact). Screenshots of every scenario (English, and one in Chinese) go to
 * test-artifacts/. The TCP state panel must show FIN_WAIT2/CLOSE_WAIT and then TIME_WAIT after
 * a close started from the page.
 */
import { execFileSync } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { artifactPath, launchChromium } from '../helpers/browser.js';

let gateway: Gateway;
let browser: Browser;
let page: Page;

interface Counts {
  written: number;
  reads: number;
  decoded: number;
  intact: number;
  mixedReads: number;
  splitMessages: number;
  writtenBytes: number;
  readBytes: number;
}

/** Clicks a scenario card and waits until the lab says the run is done; returns the picture's counts. */
async function runScenario(id: string): Promise<Counts> {
  await page.locator(`[data-testid="scenario-${id}"]`).click();
  const stage = page.locator('[data-testid="lab-stage"]');
  await expect.poll(async () => `${await stage.getAttribute('data-scenario')}/${await stage.getAttribute('data-status')}`, { timeout: 10_000 }).toMatch(
    new RegExp(`^${id}/(done|error)$`),
  );
  const status = await stage.getAttribute('data-status');
  if (status === 'error') throw new Error(`scenario ${id} failed: ${await page.locator('[data-testid="lab-message"]').textContent()}`);
  return counts();
}

async function counts(): Promise<Counts> {
  // Let the rAF-throttled render and the picture's willUpdate catch up with the last chunk.
  await page.waitForTimeout(80);
  const data = await page.locator('[data-testid="stream-picture"]').evaluate((el) => ({ ...(el as HTMLElement).dataset }));
  const n = (k: string) => Number(data[k]);
  return {
    written: n('written'),
    reads: n('reads'),
    decoded: n('decoded'),
    intact: n('intact'),
    mixedReads: n('mixedReads'),
    splitMessages: n('splitMessages'),
    writtenBytes: n('writtenBytes'),
    readBytes: n('readBytes'),
  };
}

/** The visible count chips must say the same numbers as the data attributes. */
async function chipNumber(testid: string): Promise<number> {
  return Number(await page.locator(`[data-testid="${testid}"] b`).textContent());
}

async function shoot(name: string): Promise<void> {
  await page.locator('[data-testid="lab-stage"]').screenshot({ path: artifactPath(name) });
}

/** The whole lab view, on a viewport tall enough to hold it. */
async function shootWhole(name: string): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 1900 });
  await page.waitForTimeout(100);
  await page.screenshot({ path: artifactPath(name) });
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function tcpState(key: string): Promise<string | null> {
  return page.locator(`[data-testid="tcp-row-${key}"]`).getAttribute('data-state');
}

async function setNumber(testid: string, value: string): Promise<void> {
  const input = page.locator(`[data-testid="${testid}"]`);
  await input.fill(value);
  await input.dispatchEvent('change');
}

async function setKnobs(k: { sendFraming?: string; decodeFraming?: string; readDelay?: string; manual?: boolean }): Promise<void> {
  if (k.sendFraming) await page.locator('[data-testid="knob-send-framing"]').selectOption(k.sendFraming);
  if (k.decodeFraming) await page.locator('[data-testid="knob-decode-framing"]').selectOption(k.decodeFraming);
  if (k.readDelay !== undefined) await setNumber('knob-read-delay', k.readDelay);
  if (k.manual !== undefined) await page.locator('[data-testid="knob-manual"]').setChecked(k.manual);
}

/** Opens a fresh connection for free play and waits until it is open (the picture is then empty). */
async function newConnection(): Promise<void> {
  await page.locator('[data-testid="new-connection"]').click();
  await expect.poll(() => page.locator('[data-testid="lab-stage"]').getAttribute('data-status')).toBe('idle');
  expect(await counts()).toMatchObject({ written: 0, reads: 0 });
}

/** The text of each read, from the picture's tooltips. */
async function readTexts(): Promise<string[]> {
  const titles = await page.locator('[data-testid="read-block"] title').allTextContents();
  return titles.map((t) => t.replace(/^.* — /, ''));
}

describe('sticky-packet lab (Chromium)', () => {
  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs', '--if-needed'], { stdio: 'inherit' });
    gateway = await startGateway({ port: 0, audit: null });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    page.on('pageerror', (err) => console.error('[page error]', err));
    await page.goto(`${gateway.origin}/?token=${encodeURIComponent(gateway.token)}`);
    await page.locator('[data-testid="nav-lab"]').click();
    await page.locator('[data-testid="scenario-two-sends"]').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
  });

  it('two quick sends arrive as one read: 2 written, 1 read, 1 (wrong) message without framing', async () => {
    const c = await runScenario('two-sends');
    expect(c).toMatchObject({ written: 2, reads: 1, decoded: 1, intact: 0, mixedReads: 1, writtenBytes: 10, readBytes: 10 });
    expect(await chipNumber('count-written')).toBe(2);
    expect(await chipNumber('count-reads')).toBe(1);
    // The one read is the course's "helloworld".
    await expect.poll(() => page.locator('[data-testid="read-block"] title').first().textContent()).toContain('helloworld');
    await shoot('lab-1-two-sends.png');
    await shootWhole('lab-overview.png');
  });

  it('reply bigger than recv(1024): one 5000-byte message takes five reads', async () => {
    const c = await runScenario('big-reply');
    expect(c).toMatchObject({ written: 1, reads: 5, decoded: 5, intact: 0, splitMessages: 1, writtenBytes: 5000, readBytes: 5000 });
    await shoot('lab-2-big-reply.png');
  });

  it('read slower than the sender: six writes come back in fewer, wider reads', async () => {
    const c = await runScenario('slow-reader');
    expect(c.written).toBe(6);
    expect(c.readBytes).toBe(c.writtenBytes);
    expect(c.reads).toBeGreaterThanOrEqual(2);
    expect(c.reads).toBeLessThan(6);
    expect(c.mixedReads).toBeGreaterThanOrEqual(1);
    expect(c.decoded).toBe(c.reads);
    await shoot('lab-3-slow-reader.png');
  });

  it("fix it with a length header: still one read, but struct 'i' framing recovers both messages", async () => {
    const c = await runScenario('length-header');
    expect(c).toMatchObject({ written: 2, reads: 1, decoded: 2, intact: 2, writtenBytes: 18, readBytes: 18 });
    expect(await page.locator('[data-testid="decoded-block"][data-intact="true"]').count()).toBe(2);
    await shoot('lab-4-length-header.png');
  });

  it('fix it with a JSON header: recv(1024) reads, both replies decoded intact', async () => {
    const c = await runScenario('json-header');
    expect(c.written).toBe(2);
    expect(c.reads).toBe(Math.ceil(c.writtenBytes / 1024));
    expect(c.reads).toBeGreaterThanOrEqual(4);
    expect(c).toMatchObject({ decoded: 2, intact: 2 });
    expect(c.readBytes).toBe(c.writtenBytes);
    await shoot('lab-5-json-header.png');
  });

  it('why sleep() is not a fix: writes 200 ms apart, the slow reader still gets one read', async () => {
    const c = await runScenario('sleep');
    expect(c).toMatchObject({ written: 2, reads: 1, decoded: 1, intact: 0, readBytes: 10 });
    await shoot('lab-6-sleep.png');
  });

  it('the decoding framing can be switched after a run; the picture re-decodes the same reads', async () => {
    await runScenario('length-header');
    await page.locator('[data-testid="knob-decode-framing"]').selectOption('none');
    await expect.poll(counts).toMatchObject({ written: 2, reads: 1, decoded: 1, intact: 0 });
    await page.locator('[data-testid="knob-decode-framing"]').selectOption('length-i');
    await expect.poll(counts).toMatchObject({ decoded: 2, intact: 2 });
  });

  it('TCP states: FIN_WAIT2 / CLOSE_WAIT after the page closes the client, TIME_WAIT once the other side closes', async () => {
    await runScenario('two-sends');
    await expect.poll(() => tcpState('client'), { timeout: 5000 }).toBe('ESTABLISHED');
    await expect.poll(() => tcpState('accepted')).toBe('ESTABLISHED');
    await expect.poll(() => tcpState('listener')).toBe('LISTEN');
    await page.locator('[data-testid="tcp-close-client"]').click();
    await expect.poll(() => tcpState('client'), { timeout: 5000 }).toBe('FIN_WAIT2');
    await expect.poll(() => tcpState('accepted')).toBe('CLOSE_WAIT');
    await page.locator('[data-testid="tcp-states"]').screenshot({ path: artifactPath('lab-tcp-states-close-wait.png') });
    await page.locator('[data-testid="tcp-close-accepted"]').click();
    await expect.poll(() => tcpState('client'), { timeout: 5000 }).toBe('TIME_WAIT');
    await expect.poll(() => tcpState('accepted')).toBe('CLOSED');
    await page.locator('[data-testid="tcp-states"]').screenshot({ path: artifactPath('lab-tcp-states-time-wait.png') });
    // Where the gateway's host has no /proc/net/tcp it answers {available: false} (docs/LABS.md §4):
    // the panel must say so instead of showing stale states.
    await page.route('**/api/tcp-states?*', (route) =>
      route.fulfill({ json: { available: false, reason: "live TCP states need Linux's /proc/net/tcp; this gateway runs on darwin" } }),
    );
    await expect(page.locator('[data-testid="tcp-states-unavailable"]').waitFor({ timeout: 3000 })).resolves.toBeUndefined();
    await page.unroute('**/api/tcp-states?*');
  });

  it("free play: manual recv(2) then recv(10) returns 'he', then the rest, as Python's recv(n)", async () => {
    await setKnobs({ sendFraming: 'none', decodeFraming: 'none', readDelay: '0', manual: true });
    await page.locator('[data-testid="play-target"]').selectOption('pair');
    await page.locator('[data-testid="play-messages"]').fill('hello\nworld');
    await newConnection();
    await page.locator('[data-testid="send-button"]').click();
    await expect.poll(counts).toMatchObject({ written: 2, writtenBytes: 10, reads: 0 });
    await setNumber('knob-recv-n', '2');
    await page.locator('[data-testid="recv-button"]').click();
    await expect.poll(counts).toMatchObject({ reads: 1, readBytes: 2 });
    expect(await readTexts()).toEqual(['he']);
    await page.waitForTimeout(150);
    await setNumber('knob-recv-n', '10');
    await page.locator('[data-testid="recv-button"]').click();
    await expect.poll(counts).toMatchObject({ reads: 2, readBytes: 10 });
    expect(await readTexts()).toEqual(['he', 'lloworld']);
    await shoot('lab-play-manual-recv.png');
    await setKnobs({ manual: false });
  });

  it('sender knobs: with Nagle off and 120 ms between writes reads stay apart; cork 3 joins the three writes into one', async () => {
    await setKnobs({ sendFraming: 'none', decodeFraming: 'none', readDelay: '0', manual: false });
    await page.locator('[data-testid="play-target"]').selectOption('pair');
    await page.locator('[data-testid="knob-nagle"]').setChecked(false);
    await setNumber('knob-write-delay', '120');
    await setNumber('knob-cork', '0');
    await page.locator('[data-testid="play-messages"]').fill('one\ntwo\nsix');
    await newConnection();
    await page.locator('[data-testid="send-button"]').click();
    await expect.poll(counts, { timeout: 5000 }).toMatchObject({ written: 3, readBytes: 9 });
    expect(await readTexts()).toEqual(['one', 'two', 'six']);
    await setNumber('knob-cork', '3');
    await newConnection();
    await page.locator('[data-testid="send-button"]').click();
    await expect.poll(counts, { timeout: 5000 }).toMatchObject({ written: 3, readBytes: 9 });
    expect(await readTexts()).toEqual(['onetwosix']);
    await setNumber('knob-cork', '0');
    await setNumber('knob-write-delay', '0');
    await page.locator('[data-testid="knob-nagle"]').setChecked(true);
  });

  it('works on one socket to a lab service: echo replies line up with the writes; its peer state shows; TIME_WAIT after close()', async () => {
    await setKnobs({ sendFraming: 'newline', decodeFraming: 'newline', readDelay: '0', manual: false });
    await page.locator('[data-testid="play-target"]').selectOption('remote');
    await page.locator('[data-testid="service-tcp-echo"]').click();
    await page.locator('[data-testid="play-messages"]').fill('hello\nworld\n粘包');
    await page.locator('[data-testid="send-button"]').click();
    await expect.poll(counts, { timeout: 5000 }).toMatchObject({ written: 3, decoded: 3, intact: 3 });
    const c = await counts();
    expect(c.readBytes).toBe(c.writtenBytes);
    await expect.poll(() => tcpState('client'), { timeout: 5000 }).toBe('ESTABLISHED');
    await expect.poll(() => page.locator('[data-testid="tcp-peer-client"]').getAttribute('data-state')).toBe('ESTABLISHED');
    await shootWhole('lab-play-echo-service.png');
    // The page closes first; the echo service answers FIN with its own close.
    await page.locator('[data-testid="tcp-close-client"]').click();
    await expect.poll(() => tcpState('client'), { timeout: 5000 }).toBe('TIME_WAIT');
    await page.locator('[data-testid="play-target"]').selectOption('pair');
  });

  it("works with a service that answers something else: burst's 20 struct 'i' messages decode from fewer reads", async () => {
    await setKnobs({ sendFraming: 'newline', decodeFraming: 'length-i', readDelay: '100', manual: false });
    await setNumber('knob-recv-n', '1024');
    await page.locator('[data-testid="play-target"]').selectOption('remote');
    await page.locator('[data-testid="service-burst"]').click();
    await page.locator('[data-testid="play-messages"]').fill('burst 20 hello i');
    await page.locator('[data-testid="send-button"]').click();
    await expect.poll(counts, { timeout: 5000 }).toMatchObject({ written: 1, decoded: 20 });
    const c = await counts();
    expect(c.reads).toBeLessThan(20);
    expect(await page.locator('[data-testid="stream-picture"]').getAttribute('data-aligned')).toBe('false');
    expect(await page.locator('[data-testid="decoded-block"] title').allTextContents()).toEqual(
      Array.from({ length: 20 }, (_, i) => `#${i + 1}: ${`hello ${i + 1}`.length} B — hello ${i + 1}`),
    );
    await shoot('lab-play-burst-service.png');
    await page.locator('[data-testid="tcp-close-client"]').click();
    await page.locator('[data-testid="play-target"]').selectOption('pair');
  });

  it('in Chinese: the length-header scenario, explained and counted', async () => {
    await page.locator('[data-testid="language"]').selectOption('zh-CN');
    const c = await runScenario('length-header');
    expect(c).toMatchObject({ written: 2, reads: 1, decoded: 2, intact: 2 });
    await expect(page.locator('[data-testid="lab-stage"] h3').textContent()).resolves.toMatch(/[\u4e00-\u9fff]/);
    await shoot('lab-4-length-header.zh-CN.png');
    await page.locator('[data-testid="language"]').selectOption('en');
    // The same picture in the page's dark theme, for rooms that project dark slides.
    await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
    await shoot('lab-4-length-header.dark.png');
    await page.evaluate(() => delete document.documentElement.dataset.theme);
  });
});
