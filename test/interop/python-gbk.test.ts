// Our GBK encoder (built from the runtime's TextDecoder) against Python 3's own 'gbk' codec,
// which is what the course's programs use for Chinese Windows output.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeText, encodeText, formatHex } from '../../shared/encoding/index.js';

const SCRIPT = fileURLToPath(new URL('../fixtures/python/gbk_table.py', import.meta.url));

describe("Python's gbk codec", () => {
  it('writes and reads the same two bytes as encodeText/decodeText for every character it knows', () => {
    const table = JSON.parse(execFileSync('python3', [SCRIPT], { encoding: 'utf8', maxBuffer: 1 << 24 })) as Array<[string, string]>;
    expect(table.length).toBeGreaterThan(21_000);
    const chars = table.map(([, char]) => char).join('');
    const pythonBytes = table.map(([hex]) => hex).join('');
    expect(formatHex(encodeText(chars, 'gbk'), '').toLowerCase()).toBe(pythonBytes);
    expect(decodeText(Uint8Array.from(pythonBytes.match(/../g)!, (h) => parseInt(h, 16)), 'gbk')).toBe(chars);
  });

  it("agrees on GBK text mixed with ASCII, where Python's gbk encodes it", () => {
    const text = '客户端发送: ls -l\r\n服务端回复 total_size=1024，粘包问题。';
    const python = execFileSync('python3', ['-c', 'import sys; sys.stdout.buffer.write(sys.stdin.read().encode("gbk"))'], {
      input: text,
      env: { ...process.env, PYTHONIOENCODING: 'utf-8' },
    });
    expect(formatHex(encodeText(text, 'gbk'))).toBe(formatHex(python));
  });
});
