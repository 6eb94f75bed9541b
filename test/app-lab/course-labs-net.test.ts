/**
 * The course labs of issue 16 items 3, 4 and 7 in real Chromium, through the real page and a real
 * gateway: the subnet calculator, UDP datagram boundaries and truncation over real loopback UDP
 * sockets, and HTTP (the page as a client of Python's http.server, and as a server curl hits).
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../server/gateway.js';
import { launchChromium } from '../helpers/browser.js';
import { labShots, setLanguage } from './lab-shots.js';

let gateway: Gateway;
let browser: Browser;
let page: Page;
let python: ChildProcess | undefined;
let pythonPort = 0;
let siteDir = '';
const run = promisify(execFile);

const byId = (testid: string) => page.locator(`[data-testid="${testid}"]`);
const text = (testid: string) => byId(testid).innerText();

async function showLab(id: string): Promise<void> {
  await byId('nav-course').click();
  await byId(`course-lab-${id}`).click();
  await expect.poll(() => byId('course-lab-view').getAttribute('data-lab')).toBe(id);
}

describe('course labs: subnets, UDP boundaries, HTTP (Chromium)', () => {
  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs', '--if-needed'], { stdio: 'inherit' });
    gateway = await startGateway({ port: 0, audit: null });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
    page.on('pageerror', (err) => console.error('[page error]', err));
    await page.goto(`${gateway.origin}/?token=${encodeURIComponent(gateway.token)}`);
    await setLanguage(page, 'en');
    await byId('nav-course').click();
  });

  afterAll(async () => {
    python?.kill();
    if (siteDir) fs.rmSync(siteDir, { recursive: true, force: true });
    await browser?.close();
    await gateway?.close();
  });

  describe('subnets', () => {
    it('192.168.9.193/25 → network .128, broadcast .255, first .129, last .254, 126 hosts, AND in binary', async () => {
      await showLab('subnets');
      await byId('subnet-address').fill('192.168.9.193/25');
      expect(await text('subnet-network')).toBe('192.168.9.128');
      expect(await text('subnet-broadcast')).toBe('192.168.9.255');
      expect(await text('subnet-first')).toBe('192.168.9.129');
      expect(await text('subnet-last')).toBe('192.168.9.254');
      expect(await text('subnet-hosts')).toBe('126');
      expect(await text('subnet-bits-address')).toContain('11000000.10101000.00001001.11000001');
      expect(await text('subnet-bits-mask')).toContain('11111111.11111111.11111111.10000000');
      expect(await text('subnet-bits-network')).toContain('11000000.10101000.00001001.10000000');
      // The network part is drawn apart from the host part: 25 bits (and 3 dots) before the split.
      expect(await byId('subnet-bits-address').locator('.net').innerText()).toBe('11000000.10101000.00001001.1');

      await byId('subnet-other').fill('192.168.9.100');
      expect(await byId('subnet-same').getAttribute('data-same')).toBe('false');
      await byId('subnet-other').fill('192.168.9.200');
      expect(await byId('subnet-same').getAttribute('data-same')).toBe('true');
    });

    it('a dotted mask, /31 and /32 (RFC 3021), and a bad mask said plainly', async () => {
      await byId('subnet-address').fill('10.0.0.7');
      await byId('subnet-mask').fill('255.255.255.254');
      expect(await text('subnet-hosts')).toBe('2');
      expect(await text('subnet-first')).toBe('10.0.0.6');
      expect(await text('subnet-broadcast')).toMatch(/RFC 3021/);
      await byId('subnet-mask').fill('/32');
      expect(await text('subnet-hosts')).toBe('1');
      await byId('subnet-mask').fill('255.0.255.0');
      expect(await text('subnet-error')).toMatch(/ones must all come first/);
    });

    it('the interface picker fills in the gateway\'s own loopback, whose directed broadcast is listed', async () => {
      const options = await byId('subnet-iface').locator('option').allInnerTexts();
      const lo = options.findIndex((o) => o.includes('127.0.0.1'));
      expect(lo).toBeGreaterThan(0);
      await byId('subnet-iface').selectOption({ index: lo });
      expect(await byId('subnet-address').inputValue()).toBe('127.0.0.1');
      expect(await byId('subnet-mask').inputValue()).toBe('255.0.0.0');
      expect(await text('subnet-broadcast')).toBe('127.255.255.255');
      expect(await text('subnet-hosts')).toBe('16,777,214');
      expect(await text('subnet-bcast-list')).toContain('255.255.255.255');
      expect(await text('subnet-bcast-list')).toContain('127.255.255.255');
      await byId('subnet-address').fill('192.168.9.193/25');
      await labShots(page, 'course-subnets');
    });
  });

  describe('UDP keeps boundaries (in the sticky-packet lab)', () => {
    const picture = (name: string) => byId('udp-picture').getAttribute(`data-${name}`);
    const run = async (id: string) => {
      await page.locator(`udp-boundary-lab [data-testid="scenario-${id}"]`).click();
      await expect.poll(() => byId('udp-stage').getAttribute('data-scenario')).toBe(id);
      await expect.poll(() => byId('udp-stage').getAttribute('data-status'), { timeout: 5000 }).toBe('done');
    };

    it('two quick sendto()s arrive as two datagrams, six as six: every read one message, intact', async () => {
      await byId('nav-lab').click();
      await run('udp-two-sends');
      expect([await picture('written'), await picture('reads'), await picture('intact'), await picture('mixed-reads')]).toEqual(['2', '2', '2', '0']);
      await run('udp-six-sends');
      expect([await picture('written'), await picture('reads'), await picture('intact'), await picture('mixed-reads')]).toEqual(['6', '6', '6', '0']);
    });

    it('a 3000-byte datagram read with recvfrom(1024) is cut: 1024 B kept, 1976 B discarded, the next datagram whole', async () => {
      await run('udp-truncate');
      expect([await picture('written'), await picture('reads'), await picture('intact'), await picture('lost-bytes')]).toEqual(['2', '2', '1', '1976']);
      expect(await byId('udp-picture').locator('[data-testid="lost-block"]').getAttribute('data-bytes')).toBe('1976');
      expect(await text('udp-message')).toContain('1976 bytes discarded');
      const shoot = () => byId('udp-picture').scrollIntoViewIfNeeded();
      await labShots(page, 'lab-udp-truncate', shoot);
      // A buffer as big as the datagram keeps it whole.
      await byId('udp-recvn').fill('4096');
      await byId('udp-recvn').dispatchEvent('change');
      await byId('udp-rerun').click();
      await expect.poll(() => picture('lost-bytes')).toBe('0');
      await expect.poll(() => byId('udp-stage').getAttribute('data-status')).toBe('done');
      expect([await picture('reads'), await picture('intact')]).toEqual(['2', '2']);
    });
  });
  describe('HTTP', () => {
    /** The course's own web server: Python's http.server on 127.0.0.1, port chosen by the kernel. */
    async function startPython(): Promise<void> {
      siteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'course2-http-'));
      fs.writeFileSync(path.join(siteDir, 'hello.txt'), 'hello from python http.server\n');
      python = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', siteDir], { stdio: ['ignore', 'pipe', 'pipe'] });
      pythonPort = await new Promise<number>((resolve, reject) => {
        let out = '';
        python!.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /port (\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        python!.once('exit', (code) => reject(new Error(`http.server exited ${code}`)));
      });
    }

    const curl = (url: string, ...args: string[]) => run('curl', ['-sS', '-v', '--noproxy', '*', '--max-time', '5', ...args, url]);

    it('the page as a client of Python\'s http.server: raw reads beside the parsed Content-Length response', async () => {
      await startPython();
      await showLab('http');
      await byId('http-host').fill('127.0.0.1');
      await byId('http-port').fill(String(pythonPort));
      await byId('http-path').fill('/hello.txt');
      await byId('http-send').click();
      await expect.poll(() => byId('http-client-status').getAttribute('data-status'), { timeout: 8000 }).toBe('done');
      expect(await byId('http-response').getAttribute('data-status')).toBe('200');
      expect(await byId('http-response').getAttribute('data-framing')).toBe('content-length');
      expect(await text('http-response-body')).toContain('hello from python http.server');
      expect(await text('http-request-raw')).toContain('GET /hello.txt HTTP/1.1\\r\\n');
      expect(await text('http-request-raw')).toContain(`Host: 127.0.0.1:${pythonPort}\\r\\n`);
      expect(Number(await byId('http-reads').getAttribute('data-count'))).toBeGreaterThanOrEqual(1);
      expect(await text('http-reads')).toContain('HTTP/1.0 200 OK\\r\\n');

      // A method http.server does not implement: its own 501 page, parsed the same way.
      await byId('http-method').selectOption('DELETE');
      await byId('http-send').click();
      await expect.poll(() => byId('http-response').getAttribute('data-status'), { timeout: 8000 }).toBe('501');
      await byId('http-method').selectOption('GET');
    });

    it('the page as a web server: curl gets the chosen response, the page shows curl\'s raw request', async () => {
      await byId('http-server-start').click();
      const port = Number(await byId('http-server-url').getAttribute('data-port'));
      expect(port).toBeGreaterThan(0);
      const url = `http://127.0.0.1:${port}/from-curl?x=1`;
      const plain = await curl(url);
      expect(plain.stdout).toBe('<h1>Hello from a browser tab</h1>\n<p>This response was chosen in the sockgate HTTP lab.</p>\n');
      expect(plain.stderr).toMatch(/< HTTP\/1.1 200 OK/);
      await expect.poll(() => byId('http-conn-1').getAttribute('data-state')).toBe('closed');
      expect(await text('http-conn-1-raw')).toContain('GET /from-curl?x=1 HTTP/1.1\\r\\n');
      expect(await text('http-conn-1-raw')).toMatch(/User-Agent: curl\/[\d.]+\\r\\n/);
      expect(await byId('http-conn-1-req-1').getAttribute('data-method')).toBe('GET');

      // Chunked: curl decodes it back to the body; -v shows the header.
      await byId('http-preset-chunked').click();
      const chunked = await curl(url, '-X', 'POST', '--data', 'name=student');
      expect(chunked.stdout).toBe('This body is sent in three chunks,\neach announced by its size in hex.\n');
      expect(chunked.stderr).toMatch(/< Transfer-Encoding: chunked/);
      await expect.poll(() => byId('http-conn-2').getAttribute('data-requests')).toBe('1');
      expect(await byId('http-conn-2-req-1').getAttribute('data-body-bytes')).toBe('12');
      expect(await text('http-conn-2-req-1-body')).toBe('name=student');
    });

    it('the page\'s client against its own server reads a chunked response: sizes, body, 0 chunk', async () => {
      await byId('http-path').fill('/');
      await byId('http-ask-own').click();
      await expect.poll(() => byId('http-response').getAttribute('data-framing'), { timeout: 8000 }).toBe('chunked');
      expect(await text('http-response-framing')).toMatch(/chunked: 3 chunks/);
      expect(await text('http-response-body')).toContain('each announced by its size in hex.');
      await labShots(page, 'course-http');
      await byId('http-server-stop').click();
    });
  });
  describe('lab index', () => {
    it('lists every lab; one click connects to a built-in service, opens a course lab, or runs a UDP scenario', async () => {
      await showLab('index');
      const entries = await page.locator('[data-testid^="idx-setup-"]').count();
      expect(entries).toBeGreaterThanOrEqual(17);
      await labShots(page, 'course-index');

      await byId('idx-setup-tcp-echo').click();
      await expect.poll(() => byId('nav-workspace').getAttribute('aria-current')).toBe('page');
      const listing = (await (await fetch(`${gateway.origin}/api/labs?token=${encodeURIComponent(gateway.token)}`)).json()) as { services: { name: string; port: number }[] };
      const echo = listing.services.find((s) => s.name === 'tcp-echo')!;
      await expect.poll(() => byId('socket-header').getAttribute('data-state'), { timeout: 5000 }).toBe('open');
      expect(await text('socket-title')).toContain(String(echo.port));

      await showLab('index');
      await byId('idx-setup-subnets').click();
      await expect.poll(() => byId('course-lab-view').getAttribute('data-lab')).toBe('subnets');

      await showLab('index');
      await byId('idx-setup-udp-boundaries').click();
      await expect.poll(() => byId('nav-lab').getAttribute('aria-current')).toBe('page');
      await expect.poll(() => byId('udp-stage').getAttribute('data-scenario')).toBe('udp-truncate');
      await expect.poll(() => byId('udp-picture').getAttribute('data-lost-bytes'), { timeout: 5000 }).toBe('1976');
    });
  });
});
