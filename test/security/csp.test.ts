/** The page under its Content-Security-Policy in real Chromium: it works, and nothing is blocked. */
import { expect, test } from 'vitest';
import { PAGE_CSP } from '../../server/http-app.js';
import { newTcpClient, openPage, send, waitForLine } from '../app/page-driver.js';
import { browserFixture } from '../helpers/browser-fixture.js';

const f = browserFixture();

test('the page loads, connects and echoes under its CSP with no violation reported', async () => {
  const res = await fetch(f.gateway.url);
  expect(res.headers.get('content-security-policy')).toBe(PAGE_CSP);
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  const page = await openPage(f.browser, f.gateway.url);
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  await page.context().addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`Refused by CSP: ${e.violatedDirective} ${e.blockedURI}`));
  });
  // Reload so the listeners see the page from its first byte.
  await page.reload();
  await page.locator('[data-testid=gateway-status][data-state=open]').waitFor();
  await newTcpClient(page, '127.0.0.1', f.echo.port);
  await waitForLine(page, 'event', /Connected/);
  await send(page, 'csp\\n');
  await waitForLine(page, 'in', 'csp\\n');
  expect(violations).toEqual([]);
  await page.context().close();
});
