import { EncodingError, type UnmappablePolicy } from './encoding-error.js';
import { decodeGbk, encodeGbk } from './gbk.js';
import { decodeLatin1, encodeLatin1 } from './latin1.js';
import { decodeUtf8, encodeUtf8 } from './utf8.js';

/** Text encodings the page offers. `latin1` is true ISO-8859-1, not windows-1252. */
export type TextEncodingName = 'utf-8' | 'gbk' | 'gb18030' | 'latin1';

/** Every {@link TextEncodingName}, in menu order. */
export const TEXT_ENCODINGS: readonly TextEncodingName[] = Object.freeze(['utf-8', 'gbk', 'gb18030', 'latin1']);

/** Options of {@link encodeText}. */
export interface EncodeTextOptions {
  /** A character the encoding cannot represent: `'error'` (default) throws, `'replace'` writes `?`. */
  unmappable?: UnmappablePolicy;
}

/** Bytes of `text` in `encoding`; throws an `UNMAPPABLE_CHARACTER` EncodingError (with position) unless told to replace. */
export function encodeText(text: string, encoding: TextEncodingName, options: EncodeTextOptions = {}): Uint8Array {
  const policy = options.unmappable ?? 'error';
  if (policy !== 'error' && policy !== 'replace') throw new TypeError(`unmappable must be 'error' or 'replace', got ${String(policy)}`);
  switch (encoding) {
    case 'utf-8':
      return encodeUtf8(text, policy);
    case 'gbk':
    case 'gb18030':
      return encodeGbk(text, encoding, policy);
    case 'latin1':
      return encodeLatin1(text, policy);
    default:
      throw unsupported(encoding);
  }
}

/** Text of `bytes` in `encoding`; malformed sequences become U+FFFD (never for latin1, where every byte is a character). */
export function decodeText(bytes: Uint8Array, encoding: TextEncodingName): string {
  switch (encoding) {
    case 'utf-8':
      return decodeUtf8(bytes);
    case 'gbk':
    case 'gb18030':
      return decodeGbk(bytes, encoding);
    case 'latin1':
      return decodeLatin1(bytes);
    default:
      throw unsupported(encoding);
  }
}

function unsupported(encoding: never): EncodingError {
  return new EncodingError(
    'UNSUPPORTED_ENCODING',
    -1,
    `unknown text encoding ${JSON.stringify(encoding)} (known: ${TEXT_ENCODINGS.join(', ')})`,
  );
}
