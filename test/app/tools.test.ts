/**
 * The socket tools end to end in Chromium over real loopback sockets: an auto-reply rule on a
 * page-side TCP server answering `ncat`; a CRC-16/Modbus frame compared with the value a Python
 * snippet computes, and received frames checked; a sequence run against an echo server; a lab
 * pack exported, a broken one refused with its path, a good one imported. One browser for the file.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { artifactPath } from '../helpers/browser.js';
import { waitFor } from '../helpers/peers.js';
import { newTcpClient, newTcpServer, openPage, waitForLine } from './page-driver.js';
import { browserFixture } from '../helpers/browser-fixture.js';

const f = browserFixture();

async function openTools(page: Page, tab: 'rules' | 'checksum' | 'sequences' | 'pack'): Promise<void> {
  if (!(await page.getByTestId('tools-drawer').isVisible())) await page.getByTestId('tools-toggle').click();
  await page.getByTestId(`tools-tab-${tab}`).click();
}

describe('socket tools', () => {
  test('an auto-reply rule on a page-side TCP server answers an ncat client, with a capture and the counter', async () => {
    const page = await openPage(f.browser, f.gateway.url);
    const port = await newTcpServer(page);
    await openTools(page, 'rules');
    await page.getByTestId('rule-match').selectOption('regex');
    await page.getByTestId('rule-pattern').fill('(a+)+$');
    await page.getByTestId('rule-add').click();
    await expect.poll(() => page.getByTestId('rule-error').textContent()).toMatch(/exponential/);
    await page.getByTestId('rule-pattern').fill('^PING (\\w+)');
    await page.getByTestId('rule-reply').fill('PONG $1 #{{counter}}\\n');
    await page.getByTestId('rule-add').click();
    await expect.poll(() => page.getByTestId('rule-row').count()).toBe(1);

    const ncat = spawn('ncat', ['127.0.0.1', String(port)], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    ncat.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await expect.poll(() => page.getByTestId('client-row').count()).toBe(1);
      ncat.stdin.write('PING alpha\n');
      await waitFor(() => out === 'PONG alpha #1\n', 10_000, `the reply (got ${JSON.stringify(out)})`);
      ncat.stdin.write('hello\n');
      await waitForLine(page, 'in', 'hello');
      ncat.stdin.write('PING beta\n');
      await waitFor(() => out === 'PONG alpha #1\nPONG beta #2\n', 10_000, `the second reply (got ${JSON.stringify(out)})`);
      await expect.poll(() => page.getByTestId('rule-hits').textContent()).toBe('2');
      // Switched off, the rule stays quiet.
      await page.getByTestId('rule-on').uncheck();
      ncat.stdin.write('PING gamma\n');
      await waitForLine(page, 'in', 'gamma');
      expect(out).toBe('PONG alpha #1\nPONG beta #2\n');
    } finally {
      ncat.kill();
    }
    await page.context().close();
  });

  test('CRC-16/Modbus appended on send matches Python, and received frames are checked', async () => {
    const got: Buffer[] = [];
    let peer: net.Socket | undefined;
    const server = net.createServer((s) => {
      peer = s;
      s.on('data', (d) => got.push(d));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const page = await openPage(f.browser, f.gateway.url);
    await newTcpClient(page, '127.0.0.1', (server.address() as net.AddressInfo).port);
    await waitForLine(page, 'event', /Connected/);
    await openTools(page, 'checksum');
    await page.getByTestId('checksum').selectOption('crc16-modbus');
    await page.getByTestId('tools-close').click();
    await page.getByTestId('mode-hex').click();
    await page.getByTestId('framing').selectOption('none');
    await page.getByTestId('composer-input').fill('01 03 00 00 00 {{counter}}');
    await page.getByTestId('send').click();
    await waitFor(() => Buffer.concat(got).length === 8, 10_000, 'the frame');
    const py = 'import sys\nd=bytes.fromhex(sys.argv[1])\nc=0xFFFF\nfor b in d:\n c^=b\n for _ in range(8): c=(c>>1)^0xA001 if c&1 else c>>1\nprint((d+c.to_bytes(2,"little")).hex())';
    expect(Buffer.concat(got).toString('hex')).toBe(execFileSync('python3', ['-c', py, '010300000001'], { encoding: 'utf8' }).trim());

    await waitFor(() => peer !== undefined);
    peer!.write(Buffer.from(execFileSync('python3', ['-c', py, '0103020017'], { encoding: 'utf8' }).trim(), 'hex'));
    await waitForLine(page, 'in', /./);
    peer!.write(Buffer.from('0103020017ffff', 'hex'));
    await waitForLine(page, 'event', /CRC-16\/MODBUS mismatch: carries 0xFFFF/);
    await openTools(page, 'checksum');
    await expect.poll(() => page.getByTestId('checksum-verified').textContent()).toMatch(/1 matched.*1 did not/s);
    await page.context().close();
    peer?.destroy();
    server.close();
  });

  test('a sequence runs over one connection against an echo server; a failing one names its step', async () => {
    const page = await openPage(f.browser, f.gateway.url);
    await newTcpClient(page, '127.0.0.1', f.echo.port);
    await waitForLine(page, 'event', /Connected/);
    await openTools(page, 'sequences');
    await page.getByTestId('sequence-name').fill('greet');
    await page.getByTestId('sequence-text').fill('send HELLO {{counter}}\\n\nexpect prefix 3000 HELLO 1\nwait 20\nhex 42 59 45 0A\nexpect exact 3000 BYE\\n');
    await page.getByTestId('sequence-run').click();
    await expect.poll(() => page.getByTestId('sequence-status').getAttribute('data-state')).toBe('done');
    await waitForLine(page, 'in', 'BYE');
    await page.getByTestId('sequence-save').click();
    expect(await page.getByTestId('sequence-pick').locator('option').count()).toBe(2);

    await page.getByTestId('sequence-text').fill('send ping\\n\nexpect exact 200 pong\\n');
    await page.getByTestId('sequence-run').click();
    await expect.poll(() => page.getByTestId('sequence-status').getAttribute('data-state')).toBe('failed');
    expect(await page.getByTestId('sequence-status').textContent()).toMatch(/Step 2 failed: no message matched exact "pong\\n" within 200 ms/);
    await page.getByTestId('sequence-text').fill('send a\nwiat 5');
    await page.getByTestId('sequence-run').click();
    expect(await page.getByTestId('sequence-error').textContent()).toBe('line 2: unknown step "wiat" (send, hex, wait, expect)');

    // The lab pack carries the saved sequence; a broken pack is refused with its path; a good one lands.
    await openTools(page, 'pack');
    await page.getByTestId('preset-add').click();
    await page.getByTestId('pack-name').fill('lab 3');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('pack-export').click()]);
    const pack = JSON.parse(fs.readFileSync((await download.path())!, 'utf8'));
    expect(pack).toMatchObject({ format: 'sockgate-lab-pack', version: 1, name: 'lab 3', sequences: [{ name: 'greet' }], presets: [{ kind: 'tcp', host: '127.0.0.1', port: f.echo.port }] });

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sockgate-pack-'));
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ ...pack, sequences: [{ name: 'x', steps: [{ kind: 'wait', ms: 'soon' }] }] }));
    await page.getByTestId('pack-import').setInputFiles(bad);
    await expect.poll(() => page.getByTestId('pack-error').textContent()).toBe('bad.json was not imported: sequences[0].steps[0].ms must be a whole number from 0 to 600000.');
    const good = path.join(dir, 'good.json');
    fs.writeFileSync(good, JSON.stringify({ ...pack, snippets: [{ name: 'modbus read', text: '01 03 00 00 00 0A', settings: { mode: 'hex' } }] }));
    await page.getByTestId('pack-import').setInputFiles(good);
    await expect.poll(() => page.getByTestId('pack-result').textContent()).toBe('Imported 1 snippets, 1 presets, 1 sequences, 0 rule sets.');
    await expect.poll(() => page.getByTestId('snippets').locator('option').allTextContents()).toContain('modbus read');
    fs.rmSync(dir, { recursive: true, force: true });
    await page.context().close();
  });

  test('screenshots of the tools drawer: en and zh-CN, light and dark, 1440×900 (rules, sequences) and 800×600 (all four tabs)', async () => {
    const page = await openPage(f.browser, f.gateway.url);
    await newTcpClient(page, '127.0.0.1', f.echo.port);
    await waitForLine(page, 'event', /Connected/);
    await openTools(page, 'rules');
    await page.getByTestId('rule-pattern').fill('PING');
    await page.getByTestId('rule-reply').fill('PONG #{{counter}} {{time}}\\r\\n');
    await page.getByTestId('rule-add').click();
    await page.getByTestId('rule-match').selectOption('regex');
    await page.getByTestId('rule-pattern').fill('^GET (\\S+)');
    await page.getByTestId('rule-reply').fill('HTTP/1.0 200 OK\\r\\n\\r\\n$1');
    await page.getByTestId('rule-add').click();
    await openTools(page, 'checksum');
    await page.getByTestId('checksum').selectOption('crc16-ibm-3740');
    await openTools(page, 'sequences');
    await page.getByTestId('sequence-name').fill('handshake');
    await page.getByTestId('sequence-run').click();
    await expect.poll(() => page.getByTestId('sequence-status').getAttribute('data-state')).toBe('done');
    for (const locale of ['en', 'zh-CN'] as const) {
      await page.getByTestId('language').selectOption(locale);
      for (const theme of ['light', 'dark'] as const) {
        if ((await page.evaluate(() => document.documentElement.dataset.theme ?? '')) !== theme) await page.getByTestId('theme-toggle').click();
        for (const [w, h] of [[1440, 900], [800, 600]] as const) {
          await page.setViewportSize({ width: w, height: h });
          // The small panels (checksum, lab pack) at the tight size only: the test-time budget.
          for (const tab of w === 800 ? (['rules', 'checksum', 'sequences', 'pack'] as const) : (['rules', 'sequences'] as const)) {
            await openTools(page, tab);
            const box = (await page.getByTestId('tools-drawer').boundingBox())!;
            expect(box.x >= 0 && box.y >= 0 && box.x + box.width <= w && box.y + box.height <= h, `${tab} drawer inside ${w}×${h}`).toBe(true);
            // The whole window for the two big panels; the drawer alone for the small ones (half the time).
            const shot = tab === 'rules' || tab === 'sequences' ? page : page.getByTestId('tools-drawer');
            await shot.screenshot({ path: artifactPath(`tools-${tab}-${theme}-${locale}-${w}x${h}.png`), animations: 'disabled', caret: 'hide' });
          }
        }
      }
      expect(await page.getByTestId('tools-tab-rules').textContent()).toBe(locale === 'en' ? 'Auto-reply' : '自动回复');
    }
    await page.context().close();
  });
});
