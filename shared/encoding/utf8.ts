import { unmappable, type UnmappablePolicy } from './encoding-error.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** UTF-8 bytes of `text`; a lone surrogate (the only unencodable thing) throws or becomes `?`. */
export function encodeUtf8(text: string, unmappablePolicy: UnmappablePolicy = 'error'): Uint8Array {
  LONE_SURROGATE.lastIndex = 0;
  const lone = LONE_SURROGATE.exec(text);
  if (lone) {
    if (unmappablePolicy === 'error') throw unmappable('UTF-8', text, lone.index);
    text = text.replace(LONE_SURROGATE, '?');
  }
  return encoder.encode(text);
}

/** Text of UTF-8 bytes; malformed sequences become U+FFFD, and a leading BOM is kept (not eaten). */
export function decodeUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
