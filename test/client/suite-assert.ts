/**
 * Tiny assertions and stream helpers for the library suite. No Node and no test framework, so
 * the same suite runs under vitest in Node and bundled into a Chromium page.
 */

export class AssertionError extends Error {
  override name = 'AssertionError';
}

const show = (v: unknown) => {
  try {
    return typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
};

export function ok(value: unknown, message = 'expected a truthy value'): asserts value {
  if (!value) throw new AssertionError(message);
}

export function equal<T>(actual: T, expected: T, what = 'value'): void {
  if (!Object.is(actual, expected)) throw new AssertionError(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

export function deepEqual(actual: unknown, expected: unknown, what = 'value'): void {
  if (show(actual) !== show(expected)) throw new AssertionError(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

export function below(actual: number, limit: number, what = 'value'): void {
  if (!(actual < limit)) throw new AssertionError(`${what}: expected < ${limit}, got ${actual}`);
}

interface ErrorShape {
  name?: string;
  /** sockgate's string code (`err.sockgateCode`). */
  sockgateCode?: string;
  /** DOMException's legacy numeric code (`err.code`). */
  code?: number;
  osCode?: string;
  instanceOf?: abstract new (...args: never[]) => unknown;
  message?: RegExp;
}

function matches(error: unknown, shape: ErrorShape, what: string): void {
  const e = error as { name?: string; sockgateCode?: string; code?: number; osCode?: string; message?: string };
  if (shape.instanceOf && !(error instanceof shape.instanceOf)) {
    throw new AssertionError(`${what}: expected an instance of ${shape.instanceOf.name}, got ${e?.name}: ${e?.message}`);
  }
  if (shape.name !== undefined && e?.name !== shape.name) throw new AssertionError(`${what}: expected error name ${shape.name}, got ${e?.name}: ${e?.message}`);
  if (shape.sockgateCode !== undefined && e?.sockgateCode !== shape.sockgateCode) {
    throw new AssertionError(`${what}: expected sockgateCode ${shape.sockgateCode}, got ${e?.sockgateCode} (${e?.name}: ${e?.message})`);
  }
  if (shape.code !== undefined && e?.code !== shape.code) throw new AssertionError(`${what}: expected DOMException code ${shape.code}, got ${e?.code} (${e?.name})`);
  if (shape.osCode !== undefined && e?.osCode !== shape.osCode) throw new AssertionError(`${what}: expected osCode ${shape.osCode}, got ${e?.osCode}`);
  if (shape.message && !shape.message.test(String(e?.message))) throw new AssertionError(`${what}: message ${show(e?.message)} does not match ${shape.message}`);
}

/** Awaits `promise` and checks that it rejects with an error of `shape`; returns the error. */
export async function rejects(promise: Promise<unknown>, shape: ErrorShape, what = 'promise'): Promise<any> {
  try {
    await promise;
  } catch (error) {
    matches(error, shape, what);
    return error;
  }
  throw new AssertionError(`${what}: expected a rejection (${shape.name ?? ''} ${shape.sockgateCode ?? ''}), it resolved`);
}

/** Calls `fn` and checks that it throws an error of `shape` synchronously. */
export function throws(fn: () => unknown, shape: ErrorShape, what = 'call'): any {
  try {
    fn();
  } catch (error) {
    matches(error, shape, what);
    return error;
  }
  throw new AssertionError(`${what}: expected it to throw ${shape.instanceOf?.name ?? shape.name ?? ''}`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Rejects if `promise` takes longer than `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new AssertionError(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]);
}

/** Polls until `predicate()` is true. */
export async function until(predicate: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new AssertionError(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
export const bytes = (text: string) => encoder.encode(text);
export const text = (data: Uint8Array) => decoder.decode(data);

export function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/** Reads until `done` with a reader, then releases it. */
export async function readToEnd(readable: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const reader = readable.getReader();
  const chunks: Uint8Array[] = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  reader.releaseLock();
  return concat(chunks);
}

/** Reads until at least `n` bytes arrived (keeps the reader locked; returns it). */
export async function readBytes(reader: ReadableStreamDefaultReader<Uint8Array>, n: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let got = 0;
  while (got < n) {
    const { value, done } = await reader.read();
    if (done) throw new AssertionError(`stream ended after ${got} of ${n} bytes`);
    chunks.push(value);
    got += value.byteLength;
  }
  return concat(chunks);
}

/** A deterministic byte pattern, so big transfers can be compared cheaply. */
export function pattern(n: number, seed = 7): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** FNV-1a over the bytes. */
export function checksum(data: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i]!, 0x01000193) >>> 0;
  return h;
}
