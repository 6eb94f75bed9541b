/**
 * The FeiQ / IPMSG lab (issue 16 item 5) in real Chromium, both ways, against the course's own
 * program: the gateway (dist/sockgate.js) runs in namespace 1 of a LAN of network namespaces
 * (test/helpers/netns-lan.ts), the course's Python IPMSG receiver (test/fixtures/python/
 * ipmsg_receiver.py) in namespaces 2 and 3, Chromium in the test's own namespace reaching the
 * gateway over the bridge. The page's entry broadcast goes to the namespaces' subnet only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, launchChromium } from '../helpers/browser.js';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { createNetnsLan, ip, isRoot, netnsRequired, type NetnsLan } from '../helpers/netns-lan.js';
import { waitFor } from '../helpers/peers.js';
import { overflowing, visibleEnglish } from '../app/zh-walk.js';
import { labShots, setLanguage } from '../app-lab/lab-shots.js';

const RECEIVER = 'test/fixtures/python/ipmsg_receiver.py';

interface PyPeer {
  child: ChildProcess;
  address: string;
  events: Array<Record<string, unknown>>;
  say(line: string): void;
}

let lan: NetnsLan | undefined;
let gw: GatewayProcess | undefined;
let browser: Browser | undefined;
let page: Page;
let alice: PyPeer;
let bob: PyPeer;
const peers: PyPeer[] = [];

async function startReceiver(ns: string, address: string, user: string, host: string, nickname: string): Promise<PyPeer> {
  const child = spawn('ip', ['netns', 'exec', ns, 'python3', RECEIVER, user, host, nickname]);
  const events: PyPeer['events'] = [];
  readline.createInterface({ input: child.stdout! }).on('line', (line) => events.push(JSON.parse(line)));
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const peer = { child, address, events, say: (line: string) => child.stdin!.write(line + '\n') };
  peers.push(peer);
  await waitFor(() => events.some((e) => e.event === 'ready'), 10_000, `the IPMSG receiver in ${ns} to start (${err})`);
  return peer;
}

const byId = (testid: string) => page.locator(`[data-testid="${testid}"]`);
const packetRows = (filter: string) => page.locator(`[data-testid="feiq-packet"]${filter}`);

const title = isRoot
  ? 'FeiQ / IPMSG lab over a LAN of network namespaces (Chromium, the course\'s Python receiver)'
  : 'FeiQ / IPMSG lab — SKIPPED: not running as root, so network namespaces cannot be created (set SOCKGATE_REQUIRE_NETNS=1 to make this an error)';

describe.skipIf(!isRoot && !netnsRequired)(title, () => {
  beforeAll(async () => {
    if (!isRoot) throw new Error('SOCKGATE_REQUIRE_NETNS=1 but not running as root: network namespaces need root');
    lan = createNetnsLan({ prefix: 'fq', octet2: 78, hosts: 3 });
    const [ns1, ns2, ns3] = lan.namespaces as [string, string, string];
    const s = lan.subnet;
    [alice, bob, gw, browser] = await Promise.all([
      startReceiver(ns2, `${s}.2`, 'alice', 'h2-pc', '爱丽丝'),
      startReceiver(ns3, `${s}.3`, 'bob', 'h3-pc', '鲍勃'),
      // Default policy: private addresses and their directed broadcast are allowed.
      spawnGateway(['--host', `${s}.1`, '--port', '0'], { netns: ns1, token: 'feiq-token' }),
      launchChromium(),
    ]);
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
    page.on('pageerror', (err) => console.error('[page error]', err));
    await page.goto(`${gw.origin}/?token=${gw.token}`);
    await setLanguage(page, 'en');
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
    for (const p of peers) p.child.kill();
    lan?.remove();
    if (lan) expect(ip('netns', 'list')).not.toContain(lan.tag);
  });

  it('one click in the lab index binds UDP 2425 on every address, the subnet\'s broadcast preset', async () => {
    await byId('nav-course').click();
    await byId('course-lab-index').click();
    await byId('idx-setup-feiq').click();
    await expect.poll(() => byId('course-lab-view').getAttribute('data-lab')).toBe('feiq');
    await expect.poll(() => byId('feiq-status').getAttribute('data-status')).toBe('bound');
    expect(await byId('feiq-status').innerText()).toContain('Bound to 0.0.0.0:2425');
    expect(await byId('feiq-broadcast').inputValue()).toBe(`${lan!.subnet}.255`);
  });

  it('the entry broadcast reaches both course programs, and both answers are listed (user, host, address)', async () => {
    await byId('feiq-entry').click();
    await expect.poll(() => page.locator('[data-testid="feiq-peer"]').count(), { timeout: 5000 }).toBe(2);
    const rows = await page.locator('[data-testid="feiq-peer"]').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-address'), tr.getAttribute('data-via'), ...[...tr.querySelectorAll('td')].slice(0, 4).map((td) => td.textContent)]));
    const s = lan!.subnet;
    expect(rows.sort()).toEqual([
      [`${s}.2`, 'ANSENTRY', '爱丽丝', 'alice', 'h2-pc', `${s}.2:2425`],
      [`${s}.3`, 'ANSENTRY', '鲍勃', 'bob', 'h3-pc', `${s}.3:2425`],
    ]);
    // What the course's program received: the page's BR_ENTRY, broadcast, its nickname in GBK.
    for (const p of [alice, bob]) {
      expect(p.events).toContainEqual(expect.objectContaining({ event: 'packet', from: `${s}.1`, port: 2425, user: 'sockgate', host: 'lab-pc', command: 1, extra: '网页\0lab\0' }));
    }
    // The page decodes the answers: ANSENTRY with nickname and group.
    const ans = packetRows(`[data-dir="in"][data-mode="ANSENTRY"]`);
    expect(await ans.count()).toBe(2);
    expect(await ans.first().innerText()).toMatch(/3 = ANSENTRY[\s\S]*nickname (爱丽丝|鲍勃) · group lab/);
    // The broadcast came back to the page's own socket too, and is not taken for a peer.
    expect(await packetRows(`[data-dir="in"][data-mode="BR_ENTRY"]`).first().innerText()).toContain('our own broadcast');
  });

  it('a message to one of them in GBK: the course\'s program reads it and its RECVMSG receipt is shown', async () => {
    await page.locator(`[data-testid="feiq-peer"][data-address="${alice.address}"] [data-testid="feiq-peer-pick"]`).click();
    expect(await byId('feiq-to').inputValue()).toBe(alice.address);
    await byId('feiq-text').fill('你好，爱丽丝');
    await byId('feiq-send').click();
    const sent = byId('feiq-sent-item');
    await expect.poll(() => sent.getAttribute('data-state'), { timeout: 5000 }).toBe('receipt');
    const packetNo = await sent.getAttribute('data-packet-no');
    expect(await sent.innerText()).toMatch(/RECVMSG came back after \d+ ms/);
    expect(alice.events).toContainEqual(expect.objectContaining({ event: 'packet', command: 288, packet_no: packetNo, extra: '你好，爱丽丝' }));
    const receipt = packetRows(`[data-dir="in"][data-address="${alice.address}"][data-mode="RECVMSG"]`);
    expect(await receipt.innerText()).toContain(`receipt for packet ${packetNo}`);
    expect(bob.events.filter((e) => e.command === 288)).toEqual([]);
  });

  it('the course\'s program writes to the page: every field decoded, and the page answers RECVMSG as FeiQ does', async () => {
    alice.say(`send ${lan!.subnet}.1 测试消息：来自课程程序`);
    await waitFor(() => alice.events.some((e) => e.event === 'sent'), 5000, 'alice to send');
    const no = alice.events.find((e) => e.event === 'sent')!.packet_no as string;
    const row = packetRows(`[data-dir="in"][data-address="${alice.address}"][data-packet-no="${no}"]`);
    await row.waitFor({ timeout: 5000 });
    expect(await row.getAttribute('data-mode')).toBe('SENDMSG');
    expect(await row.locator('[data-testid="feiq-packet-version"]').innerText()).toBe('1');
    expect(await row.locator('[data-testid="feiq-packet-user"]').innerText()).toBe('alice');
    expect(await row.locator('[data-testid="feiq-packet-command"]').innerText()).toBe('288 = SENDMSG SENDCHECKOPT');
    expect(await row.locator('[data-testid="feiq-packet-text"]').innerText()).toBe('测试消息：来自课程程序');
    expect(await row.locator('[data-testid="feiq-packet-note"]').innerText()).toMatch(/answered automatically \(packet \d+\)/);
    await waitFor(() => alice.events.some((e) => e.event === 'packet' && e.command === 33 && e.extra === no), 5000, 'alice to get RECVMSG for its packet');
  });

  it('with the auto-answer off no receipt goes out; a datagram that is not IPMSG gets its reason', async () => {
    await byId('feiq-auto').uncheck();
    bob.say(`send ${lan!.subnet}.1 no receipt please`);
    await waitFor(() => bob.events.some((e) => e.event === 'sent'), 5000, 'bob to send');
    const no = bob.events.find((e) => e.event === 'sent')!.packet_no as string;
    await packetRows(`[data-dir="in"][data-address="${bob.address}"][data-mode="SENDMSG"][data-packet-no="${no}"]`).waitFor({ timeout: 5000 });
    alice.say(`raw ${lan!.subnet}.1 hello from the course`);
    const bad = packetRows('[data-ok="false"]');
    await bad.waitFor({ timeout: 5000 });
    expect(await bad.getAttribute('data-code')).toBe('fields');
    expect(await bad.locator('[data-testid="feiq-packet-error"]').innerText()).toBe('✗ not IPMSG: only 1 of the header fields version:packetNo:user:host:command (at least four \':\' needed)');
    // By now a receipt to bob would long have arrived (the page answered alice in milliseconds).
    expect(bob.events.filter((e) => e.event === 'packet' && e.command === 33)).toEqual([]);
    await byId('feiq-auto').check();
  });

  it('in Chinese no English is left; screenshots in English and Chinese', async () => {
    await setLanguage(page, 'zh-CN');
    expect(await visibleEnglish(page)).toEqual([]);
    await page.setViewportSize({ width: 800, height: 600 });
    expect(await overflowing(page)).toEqual([]);
    expect(await byId('feiq-status').innerText()).toContain('已绑定 0.0.0.0:2425');
    const files = await labShots(page, 'feiq-lab');
    expect(files).toHaveLength(8);
    // The packet table down to the datagram that is not IPMSG, in both languages.
    for (const locale of ['en', 'zh-CN'] as const) {
      await setLanguage(page, locale);
      await packetRows('[data-ok="false"]').scrollIntoViewIfNeeded();
      await page.screenshot({ path: artifactPath(`feiq-lab-packets-${locale}.png`) });
    }
    await setLanguage(page, 'en');
  });

  it('another program holding UDP 2425 on the gateway\'s host makes the bind fail, and says why', async () => {
    await byId('feiq-close').click();
    await expect.poll(() => byId('feiq-status').getAttribute('data-status')).toBe('idle');
    await byId('feiq-user').fill('a:b');
    await byId('feiq-bind').click();
    expect(await byId('feiq-error').innerText()).toBe('User and host may not contain ":": it separates the fields of every packet.');
    await byId('feiq-user').fill('sockgate');
    const holder = await startReceiver(lan!.namespaces[0]!, `${lan!.subnet}.1`, 'carol', 'h1-pc', 'carol');
    await byId('feiq-bind').click();
    await expect.poll(() => byId('feiq-status').getAttribute('data-status')).toBe('error');
    const why = await byId('feiq-error').innerText();
    holder.child.kill();
    expect(why).toBe('ADDRESS_IN_USE (EADDRINUSE): Address already in use: another socket holds that port.');
    await waitFor(() => holder.child.exitCode !== null || holder.child.signalCode !== null, 5000, 'the holder to exit');
    await byId('feiq-bind').click();
    await expect.poll(() => byId('feiq-status').getAttribute('data-status')).toBe('bound');
  });

  it('when the gateway stops (SIGTERM) the lab says the socket went with it, and why', async () => {
    await gw!.stop();
    await expect.poll(() => byId('feiq-status').getAttribute('data-status'), { timeout: 5000 }).toBe('idle');
    expect(await byId('feiq-error').innerText()).toMatch(/^SHUTDOWN: The gateway is shutting down|^The connection to the gateway was lost/);
  });
});
