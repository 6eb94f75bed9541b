/**
 * The sticky-packet lab's knobs: what they are set to, their defaults, the preset a scenario
 * brings, and the one-line summary the stage shows under the title.
 */
import { msg, str } from '../i18n.js';
import type { ReceiverSettings } from '../receiver-settings.js';
import type { Scenario } from './scenarios.js';
import type { LabFramingName } from './stream-model.js';

/** Which way the bytes go: the client writes (`forward`) or the server side answers (`reply`). */
export type LabDirection = 'forward' | 'reply';

export type { RecvMode } from '../receiver-settings.js';

/** What the knobs are set to: the sender's, the receiver's (shared with the workspace) and the framings. */
export interface Knobs extends ReceiverSettings {
  direction: LabDirection;
  noDelay: boolean;
  cork: number;
  writeDelayMs: number;
  sendFraming: LabFramingName;
  decodeFraming: LabFramingName;
}

/** The knobs of free play before anything was touched. */
export const DEFAULT_KNOBS: Readonly<Knobs> = {
  direction: 'forward',
  noDelay: false,
  cork: 0,
  writeDelayMs: 0,
  readDelayMs: 0,
  manual: false,
  recvN: 1024,
  recvMode: 'blocking',
  recvTimeoutMs: 2000,
  sendFraming: 'none',
  decodeFraming: 'none',
};

/** The knobs a guided scenario runs with (its `recvN` > 0 means manual `recv(n)`). */
export function knobsFor(s: Scenario): Knobs {
  return {
    direction: s.direction,
    noDelay: s.noDelay,
    cork: s.cork,
    writeDelayMs: s.writeDelayMs,
    readDelayMs: s.readDelayMs,
    manual: s.recvN > 0,
    recvN: s.recvN || 1024,
    recvMode: 'blocking',
    recvTimeoutMs: DEFAULT_KNOBS.recvTimeoutMs,
    sendFraming: s.sendFraming,
    decodeFraming: s.decodeFraming,
  };
}

/** The scenario's messages for the free-play textarea: long ones by their label. */
export function messagesTextFor(s: Scenario): string {
  return s.messages.map((m) => (m.text.length > 60 ? `${m.label ?? m.text.slice(0, 40)}` : m.text)).join('\n');
}

/** The knobs in force, in one line: `Nagle on · sleep 200 ms between writes · read every 600 ms`. */
export function knobSummary(k: Knobs): string {
  const parts = [k.noDelay ? msg('Nagle off', { id: 'lab.who.nagleOff' }) : msg('Nagle on', { id: 'lab.who.nagleOn' })];
  if (k.cork) parts.push(msg(str`cork ${k.cork} writes`, { id: 'lab.who.cork' }));
  if (k.writeDelayMs) parts.push(msg(str`sleep ${k.writeDelayMs} ms between writes`, { id: 'lab.who.sleep' }));
  if (k.manual) parts.push(`recv(${k.recvN})`);
  else if (k.readDelayMs) parts.push(`${msg(str`read every ${k.readDelayMs} ms`, { id: 'lab.who.readDelay' })}, recv(${k.recvN})`);
  return parts.join(' · ');
}
