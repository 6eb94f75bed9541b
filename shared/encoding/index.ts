export { EncodingError, type EncodingErrorCode, type UnmappablePolicy } from './encoding-error.js';
export { TEXT_ENCODINGS, decodeText, encodeText, type EncodeTextOptions, type TextEncodingName } from './text-encoding.js';
export { decodeUtf8, encodeUtf8 } from './utf8.js';
export { decodeLatin1, encodeLatin1 } from './latin1.js';
export { decodeGbk, encodeGbk, prepareGbkEncoder, type GbkVariant } from './gbk.js';
export { formatHex, parseHex } from './hex.js';
export { decodeBase64, encodeBase64 } from './base64.js';
export { formatEscapes, parseEscapes } from './escapes.js';
