/**
 * Drives the sockgate page in Chromium by its stable test ids (Playwright locators pierce the
 * elements' shadow roots): open sockets through the dialog, send from the composer, read log lines.
 */
import type { Browser, Locator, Page } from 'playwright-core';

/** Opens the page of `url` (with its token) at a desk-sized viewport, English unless told. */
export async function openPage(browser: Browser, url: string, options: { locale?: 'en' | 'zh-CN'; theme?: 'light' | 'dark'; ignoreHTTPSErrors?: boolean; onWebSocket?: (url: string) => void } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true, ignoreHTTPSErrors: options.ignoreHTTPSErrors });
  await context.addInitScript(
    ([locale, theme]) => {
      if (!localStorage.getItem('sockgate.locale')) localStorage.setItem('sockgate.locale', locale);
      if (!localStorage.getItem('sockgate.theme')) localStorage.setItem('sockgate.theme', theme);
    },
    [options.locale ?? 'en', options.theme ?? 'light'],
  );
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  if (options.onWebSocket) page.on('websocket', (ws) => options.onWebSocket!(ws.url()));
  await page.goto(url);
  await page.locator('[data-testid=gateway-status][data-state=open]').waitFor();
  return page;
}

/** Opens a TCP client to host:port through the dialog. */
export async function newTcpClient(page: Page, host: string, port: number): Promise<void> {
  await page.getByTestId('new-tcp').click();
  await page.getByTestId('tcp-host').fill(host);
  await page.getByTestId('tcp-port').fill(String(port));
  await page.getByTestId('dialog-open').click();
}

/** Opens a TCP server on 127.0.0.1 (any port) and returns the port the page shows. */
export async function newTcpServer(page: Page): Promise<number> {
  await page.getByTestId('new-server').click();
  await page.getByTestId('server-address').selectOption('127.0.0.1');
  await page.getByTestId('server-port').fill('');
  await page.getByTestId('dialog-open').click();
  await page.locator('[data-testid=socket-header][data-state=open]').waitFor();
  return portOf(await page.getByTestId('socket-title').textContent());
}

/** Binds a UDP socket on `address` (any port), broadcast on or off; returns its port. */
export async function newUdp(page: Page, address = '127.0.0.1', broadcast = false): Promise<number> {
  await page.getByTestId('new-udp').click();
  await page.getByTestId('udp-address').selectOption(address);
  await page.getByTestId('udp-bind-port').fill('');
  await page.getByTestId('udp-broadcast').setChecked(broadcast);
  await page.getByTestId('dialog-open').click();
  await page.locator('[data-testid=socket-header][data-state=open]').waitFor();
  return portOf(await page.getByTestId('socket-title').textContent());
}

/** Types into the composer (text mode unless `hex`) and sends. */
export async function send(page: Page, text: string, options: { hex?: boolean; encoding?: 'utf-8' | 'gbk' | 'latin1'; escapes?: boolean } = {}): Promise<void> {
  await page.getByTestId(options.hex ? 'mode-hex' : 'mode-text').click();
  if (!options.hex) {
    await page.getByTestId('escapes').setChecked(options.escapes ?? true);
    await page.getByTestId('line-ending').selectOption('none');
    await page.getByTestId('encoding').selectOption(options.encoding ?? 'utf-8');
  }
  await page.getByTestId('framing').selectOption('none');
  await page.getByTestId('composer-input').fill(text);
  await page.getByTestId('send').click();
}

/** The log lines currently rendered (the virtualised list renders the visible ones). */
export function logLines(page: Page, dir?: 'in' | 'out' | 'event'): Locator {
  return page.locator(dir ? `[data-testid=log-line][data-dir=${dir}]` : '[data-testid=log-line]');
}

/** Waits until a log line of `dir` shows `text` and returns it. */
export async function waitForLine(page: Page, dir: 'in' | 'out' | 'event', text: string | RegExp): Promise<Locator> {
  const line = logLines(page, dir).filter({ hasText: text }).last();
  await line.waitFor({ timeout: 10_000 });
  return line;
}

function portOf(title: string | null): number {
  const m = /:(\d+)$/.exec(title ?? '');
  if (!m) throw new Error(`no port in ${title}`);
  return Number(m[1]);
}
