/** The lab's knob presets, summary line and framing labels. */
import { describe, expect, it } from 'vitest';
import { FRAMING_LABELS, FRAMING_NAMES } from '../../client/app/lab/framing-labels.js';
import { DEFAULT_KNOBS, knobsFor, knobSummary, messagesTextFor } from '../../client/app/lab/knobs.js';
import { scenarios } from '../../client/app/lab/scenarios.js';
import { LAB_FRAMINGS } from '../../client/app/lab/stream-model.js';

const byId = (id: string) => scenarios().find((s) => s.id === id)!;

describe('knobs', () => {
  it('a scenario with recvN turns manual recv(n) on; one without keeps n at 1024', () => {
    expect(knobsFor(byId('big-reply'))).toMatchObject({ direction: 'reply', manual: true, recvN: 1024, readDelayMs: 0 });
    expect(knobsFor(byId('slow-reader'))).toMatchObject({ direction: 'forward', manual: false, recvN: 1024, writeDelayMs: 120, readDelayMs: 330 });
    expect(knobsFor(byId('json-header'))).toMatchObject({ sendFraming: 'json-header', decodeFraming: 'json-header' });
  });

  it('the textarea shows long messages by their label', () => {
    expect(messagesTextFor(byId('two-sends'))).toBe('hello\nworld');
    expect(messagesTextFor(byId('json-header'))).toBe('ls -l → 3000 B\nls docs → 600 B');
  });

  it('sums the knobs up in one line, as the stage shows it', () => {
    expect(knobSummary(DEFAULT_KNOBS)).toBe('Nagle on');
    expect(knobSummary({ ...DEFAULT_KNOBS, noDelay: true, cork: 3, writeDelayMs: 200, readDelayMs: 600 })).toBe(
      'Nagle off · cork 3 writes · sleep 200 ms between writes · read every 600 ms, recv(1024)',
    );
    expect(knobSummary({ ...DEFAULT_KNOBS, manual: true, readDelayMs: 600, recvN: 2 })).toBe('Nagle on · recv(2)');
  });

  it('has both labels for every framing, in the order of LAB_FRAMINGS', () => {
    expect(FRAMING_NAMES).toEqual(Object.keys(LAB_FRAMINGS));
    expect(FRAMING_LABELS['length-i'].name()).toBe("length prefix struct 'i' (4 bytes, little-endian)");
    expect(FRAMING_LABELS['length-i'].short()).toBe("with struct 'i'");
    for (const name of FRAMING_NAMES) expect(FRAMING_LABELS[name].name()).not.toBe(FRAMING_LABELS[name].short());
  });
});
