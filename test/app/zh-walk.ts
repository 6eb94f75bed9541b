/**
 * Finds English left in the zh-CN page: every visible text node and every <option> label, through
 * all shadow roots, whose words are English (three or more letters with a lower-case one) and not
 * names that stay as they are (protocols, encodings, options named after socket options…). User
 * data in log lines is skipped. Also lists elements whose text overflows their box.
 */
import type { Page } from 'playwright-core';

/** Words that are names, the same in Chinese text (protocols, encodings, OS option names, units). */
export const KEEP = new Set(
  ('Web telnet sockgate TCP UDP UTF GBK Latin hex Hex IPv4 IPv6 IPMSG FeiQ Redis PING HTTP GET JSON CRC Modbus CCITT XOR sum8 pcapng ' +
    'JSONL Lines Wireshark tshark ncat Python struct recv send SO_BROADCAST SO_REUSEADDR TCP_NODELAY TTL backlog Nagle localhost ' +
    'Linux utf gbk sleep noDelay cork select accept connect listen upper data vs ' +
    'txt json bin msgs KiB MiB Tab Enter Esc Ctrl Shift English FIN SYN ACK RST TIME_WAIT CLOSE_WAIT ESTABLISHED LISTEN socketserver ' +
    // Names of tools, built-in services, Python exceptions and chat commands, the same in every language.
    'tcpdump curl epoll tcp udp echo chat bulk nick who PermissionError BlockingIOError').split(' ').concat(["b''"]),
);

export interface Finding {
  text: string;
  where: string;
}

/** English text visible on the page now. */
export async function visibleEnglish(page: Page): Promise<Finding[]> {
  const found = await page.evaluate(() => {
    const out: { text: string; where: string }[] = [];
    const skip = (el: Element | null): boolean => {
      for (let e = el; e; e = (e.parentElement ?? ((e.getRootNode() as ShadowRoot).host as Element | undefined) ?? null)) {
        if (e.matches?.('[data-testid=log-text], [data-testid=log-hex], .h, .x:not(.ev), input, textarea, code, pre, kbd, .mono, [data-testid=socket-title], .t, .p, .addr, style, script, [translate=no]')) return true;
      }
      return false;
    };
    const shown = (el: Element) => (el as HTMLElement).getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
    const visit = (root: Document | ShadowRoot) => {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (n.nodeType === Node.ELEMENT_NODE) {
          const el = n as Element;
          if (el.shadowRoot) visit(el.shadowRoot);
          if (el.tagName === 'OPTION' && el.parentElement && shown(el.parentElement) && !skip(el.parentElement)) out.push({ text: el.textContent ?? '', where: `option in ${el.parentElement.getAttribute('data-testid') ?? el.parentElement.getAttribute('name') ?? '?'}` });
          continue;
        }
        const parent = n.parentElement;
        if (!parent || parent.tagName === 'OPTION' || !shown(parent) || skip(parent)) continue;
        out.push({ text: n.textContent ?? '', where: `${(parent.getRootNode() as ShadowRoot).host?.tagName.toLowerCase() ?? 'document'} ${parent.tagName.toLowerCase()}.${parent.className}` });
      }
    };
    visit(document);
    return out;
  });
  return found
    .map((f) => ({ ...f, text: f.text.trim() }))
    // Macros ({{counter}}), quoted payloads ("hello") and code (recv(1024)) are not UI words.
    .filter((f) => (f.text.replace(/\{\{[^}]*\}\}|"[^"]*"|\w+\([^)]*\)/g, ' ').match(/[A-Za-z][A-Za-z'’]{2,}(?![A-Za-z0-9])/g) ?? []).some((w) => /[a-z]/.test(w) && !KEEP.has(w) && !/^[A-Z_0-9]+$/.test(w)));
}

/** Elements whose text runs past their own box (clipped or spilling), and the page's own overflow. */
export async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    if (document.documentElement.scrollWidth > innerWidth + 1) out.push(`page is ${document.documentElement.scrollWidth}px wide`);
    const visit = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) visit(el.shadowRoot);
        if (!el.matches('button, label, th, h1, h2, h3, .tag, .pill, legend, summary')) continue;
        const h = el as HTMLElement;
        if (h.getClientRects().length === 0) continue;
        if (h.scrollWidth > h.clientWidth + 2 && getComputedStyle(h).textOverflow !== 'ellipsis') out.push(`${(h.getRootNode() as ShadowRoot).host?.tagName.toLowerCase() ?? ''} ${h.tagName.toLowerCase()} "${h.textContent?.trim().slice(0, 40)}" ${h.scrollWidth}>${h.clientWidth}`);
      }
    };
    visit(document);
    return out;
  });
}
