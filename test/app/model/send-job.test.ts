/** SendJobRunner: once, N times with a pause, N copies in one write, stop, and failures. */
import { describe, expect, it } from 'vitest';
import { repeatBytes, SendJobRunner, type SendJob, type SendTarget } from '../../../client/app/model/send-job.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const job = (over: Partial<SendJob> = {}): SendJob => ({ payload: bytes('ab'), repeat: 1, intervalMs: 0, oneWrite: false, target: { kind: 'self' }, ...over });

function runner() {
  const sent: Array<{ text: string; target: SendTarget; at: number }> = [];
  const failures: unknown[] = [];
  let changes = 0;
  const r = new SendJobRunner(() => changes++, (e) => failures.push(e));
  const sendOnce = async (b: Uint8Array, target: SendTarget) => void sent.push({ text: text(b), target, at: Date.now() });
  return { r, sent, failures, sendOnce, changes: () => changes };
}

describe('SendJobRunner', () => {
  it('sends once to the target, without flagging a repeated send', async () => {
    const { r, sent, sendOnce, changes } = runner();
    const running = r.run(job({ target: { kind: 'udp', host: '127.0.0.1', port: 7 } }), sendOnce);
    expect(r.sending).toBe(false);
    await running;
    expect(sent).toMatchObject([{ text: 'ab', target: { kind: 'udp', host: '127.0.0.1', port: 7 } }]);
    expect(changes()).toBe(2);
  });

  it('repeats N times with the interval between writes', async () => {
    const { r, sent, sendOnce } = runner();
    const running = r.run(job({ repeat: 3, intervalMs: 40 }), sendOnce);
    expect(r.sending).toBe(true);
    await running;
    expect(r.sending).toBe(false);
    expect(sent.map((s) => s.text)).toEqual(['ab', 'ab', 'ab']);
    expect(sent[2]!.at - sent[0]!.at).toBeGreaterThanOrEqual(75);
  });

  it('one write: N copies back to back in a single send', async () => {
    const { r, sent, sendOnce } = runner();
    await r.run(job({ repeat: 3, oneWrite: true, intervalMs: 1000 }), sendOnce);
    expect(sent.map((s) => s.text)).toEqual(['ababab']);
  });

  it('stop ends a repeated job during its pause, and a new one may start', async () => {
    const { r, sent, sendOnce } = runner();
    const running = r.run(job({ repeat: 100, intervalMs: 10_000 }), sendOnce);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sent).toHaveLength(1);
    r.stop();
    await running;
    expect(sent).toHaveLength(1);
    expect(r.sending).toBe(false);
    await r.run(job(), sendOnce);
    expect(sent).toHaveLength(2);
  });

  it('ignores a job while a repeated one runs', async () => {
    const { r, sent, sendOnce } = runner();
    const first = r.run(job({ repeat: 2, intervalMs: 30 }), sendOnce);
    await r.run(job({ payload: bytes('zz') }), sendOnce);
    await first;
    expect(sent.map((s) => s.text)).toEqual(['ab', 'ab']);
  });

  it('a failed send ends the job and is reported; one after stop is not', async () => {
    const { r, failures } = runner();
    let calls = 0;
    await r.run(job({ repeat: 5 }), async () => {
      calls++;
      throw new Error('not writable');
    });
    expect(calls).toBe(1);
    expect(failures).toMatchObject([{ message: 'not writable' }]);
    const stopping = r.run(job({ repeat: 2 }), async () => {
      r.stop();
      throw new Error('aborted write');
    });
    await stopping;
    expect(failures).toHaveLength(1);
  });

  it('repeatBytes concatenates copies', () => {
    expect(text(repeatBytes(bytes('xy'), 3))).toBe('xyxyxy');
    expect(repeatBytes(bytes('xy'), 0).byteLength).toBe(0);
  });
});
