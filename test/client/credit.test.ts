import { describe, expect, it } from 'vitest';
import { ReceiveCredit, SendCredit } from '../../client/lib/credit.js';

describe('SendCredit', () => {
  it('spends credit at once while there is enough, then waits for release', async () => {
    const credit = new SendCredit(10);
    await credit.acquire(6);
    expect(credit.available).toBe(4);
    let done = false;
    const waiting = credit.acquire(5).then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    credit.release(1);
    await waiting;
    expect(credit.available).toBe(0);
  });

  it('serves waiters in order, so a small write never overtakes a big one', async () => {
    const credit = new SendCredit(0);
    const order: string[] = [];
    const big = credit.acquire(8).then(() => order.push('big'));
    const small = credit.acquire(1).then(() => order.push('small'));
    credit.release(1);
    await Promise.resolve();
    expect(order).toEqual([]);
    credit.release(8);
    await Promise.all([big, small]);
    expect(order).toEqual(['big', 'small']);
  });

  it('rejects a waiter whose signal aborts, and the next one still gets served', async () => {
    const credit = new SendCredit(0);
    const controller = new AbortController();
    const aborted = credit.acquire(5, controller.signal);
    const next = credit.acquire(1);
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    credit.release(1);
    await next;
  });

  it('fail() rejects everything waiting and everything after', async () => {
    const credit = new SendCredit(0);
    const waiting = credit.acquire(1);
    const reason = new Error('gone');
    credit.fail(reason);
    await expect(waiting).rejects.toBe(reason);
    await expect(credit.acquire(0)).rejects.toBe(reason);
  });

  it('tryAcquire spends without a promise while credit lasts, never jumps a waiter, and throws once failed', () => {
    const credit = new SendCredit(10);
    expect(credit.tryAcquire(6)).toBe(true);
    expect(credit.available).toBe(4);
    expect(credit.tryAcquire(5)).toBe(false);
    expect(credit.available).toBe(4);
    const waiting = credit.acquire(5);
    // 4 would fit, but a write is waiting ahead: order first.
    expect(credit.tryAcquire(1)).toBe(false);
    const reason = new Error('gone');
    credit.fail(reason);
    expect(() => credit.tryAcquire(1)).toThrow(reason);
    return expect(waiting).rejects.toBe(reason);
  });
});

describe('ReceiveCredit', () => {
  it('grants nothing until a quarter of the window was consumed, then all of it', () => {
    const credit = new ReceiveCredit(1000);
    expect(credit.batch).toBe(250);
    expect(credit.consumed(100)).toBe(0);
    expect(credit.consumed(100)).toBe(0);
    expect(credit.consumed(60)).toBe(260);
    expect(credit.pending).toBe(0);
    expect(credit.consumed(10)).toBe(0);
    expect(credit.flush()).toBe(10);
  });
});
