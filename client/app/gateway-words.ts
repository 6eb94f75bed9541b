/**
 * The gateway speaks English on the wire (error messages, policy rule names); this puts what the
 * page shows of them into the UI language (issue 12, defect 8): a policy rule's words, and an
 * error detail reduced to its language-neutral facts (OS code, addresses, ports) when the UI is
 * not English — the sentence for the code is already in the UI language, and the English original
 * stays available as the tooltip.
 */
import { currentLocale, msg } from './i18n.js';

/** English words (3+ letters, not an identifier like eth0) in `text`. */
const ENGLISH = /\b[a-z]{3,}\b(?![0-9])/;
/** OS codes, IPv6 in brackets with a port, IPv4 with a port or prefix, "port N". */
const FACTS = /\bE[A-Z]{3,}\b|\[[0-9A-Fa-f:.]+\](?::\d+)?|\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+|\/\d+)?|\bport \d+/g;

/** An error detail from the gateway, as the current UI language shows it. */
export function localDetail(text: string): string {
  if (currentLocale() === 'en' || !ENGLISH.test(text)) return text;
  return (text.match(FACTS) ?? []).map((f) => f.replace(/^port (\d+)$/, msg('port', { id: 'gw.port' }) + ' $1')).join(' · ');
}

/** A policy rule name (the `rule` of a DENIED error), in the UI language. */
export function ruleText(rule: string): string {
  if (currentLocale() === 'en') return rule;
  if (rule.startsWith('default deny: public internet')) return msg('default deny: public internet (add --allow CIDR to permit)', { id: 'gw.rule.public' });
  if (rule.startsWith('default deny: privileged')) return msg('default deny: privileged port (< 1024) — add --allow ADDRESS:PORT to permit', { id: 'gw.rule.privileged' });
  if (rule.startsWith('builtin: the unspecified address')) return msg('builtin: the unspecified address (0.0.0.0, ::) is not a target', { id: 'gw.rule.unspecified' });
  const m = /^default (deny|allow):? (.*)$/.exec(rule);
  if (m) return `${m[1] === 'deny' ? msg('default deny', { id: 'gw.rule.defaultDeny' }) : msg('default allow', { id: 'gw.rule.defaultAllow' })} ${m[2]}`;
  return rule;
}
