/**
 * Ready-made messages for the composer: HTTP GET, Redis PING, IPMSG/FeiQ text message and
 * broadcast entry (UDP 2425, GBK), length-prefixed JSON. Each sets the text and the settings that
 * shape its bytes, and, for UDP, a target port.
 */
import { msg } from './i18n.js';
import type { PayloadSettings } from './model/composer-payload.js';

/** One preset. */
export interface Preset {
  id: string;
  label: () => string;
  /** The composer text (escapes on unless settings say otherwise). */
  text: (ctx: { host: string; port: number }) => string;
  settings: Partial<PayloadSettings>;
  /** For UDP: where it is usually sent. */
  udp?: { port: number; broadcast?: boolean };
}

/** IPMSG packet numbers only need to differ between messages; seconds since the epoch is what clients use. */
const packetNo = () => String(Math.floor(Date.now() / 1000));

/** The presets, in menu order. */
export const PRESETS: readonly Preset[] = [
  {
    id: 'http-get',
    label: () => msg('HTTP GET', { id: 'preset.http' }),
    // The Host header carries the port unless it is 80 (RFC 9110 §7.2).
    text: ({ host, port }) => `GET / HTTP/1.1\\r\\nHost: ${host || 'localhost'}${port && port !== 80 ? `:${port}` : ''}\\r\\nConnection: close\\r\\n\\r\\n`,
    settings: { mode: 'text', escapes: true, lineEnding: 'none', encoding: 'utf-8', framing: 'none' },
  },
  {
    id: 'redis-ping',
    label: () => msg('Redis PING', { id: 'preset.redis' }),
    text: () => '*1\\r\\n$4\\r\\nPING\\r\\n',
    settings: { mode: 'text', escapes: true, lineEnding: 'none', encoding: 'utf-8', framing: 'none' },
  },
  {
    id: 'ipmsg-text',
    label: () => msg('IPMSG/FeiQ text message (GBK, UDP 2425)', { id: 'preset.ipmsgText' }),
    text: () => `1:${packetNo()}:sockgate:lab-pc:32:你好，来自 sockgate`,
    settings: { mode: 'text', escapes: false, lineEnding: 'none', encoding: 'gbk', framing: 'none' },
    udp: { port: 2425 },
  },
  {
    id: 'ipmsg-entry',
    label: () => msg('IPMSG/FeiQ broadcast entry (command 1, UDP 2425)', { id: 'preset.ipmsgEntry' }),
    text: () => `1:${packetNo()}:sockgate:lab-pc:1:sockgate`,
    settings: { mode: 'text', escapes: false, lineEnding: 'none', encoding: 'gbk', framing: 'none' },
    udp: { port: 2425, broadcast: true },
  },
  {
    id: 'length-json',
    label: () => msg("Length-prefixed JSON (struct '!I')", { id: 'preset.lengthJson' }),
    text: () => '{"cmd": "echo", "data": "hello"}',
    settings: { mode: 'text', escapes: false, lineEnding: 'none', encoding: 'utf-8', framing: 'len-!I' },
  },
];
