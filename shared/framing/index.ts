export { FramingError, type FramingErrorCode } from './framing-error.js';
export type { FrameCodec, FrameDecoder } from './frame-codec.js';
export {
  DEFAULT_MAX_FRAME,
  DEFAULT_MAX_HEADER,
  type DelimiterSpec,
  type FixedSizeSpec,
  type FramedMessage,
  type FramingKind,
  type FramingSpec,
  type JsonHeaderSpec,
  type LengthPrefixSpec,
  type PassthroughSpec,
} from './framing-spec.js';
export type { JsonHeaderMessage } from './json-header-message.js';
export { STRUCT_I, maxLengthValue, readLength, writeLength, type Endian, type LengthBytes, type LengthFormat, type LengthFormatSpec } from './length-format.js';
export { parseStructFormat, toStructFormat } from './struct-format.js';
export { LengthPrefixCodec, LengthPrefixDecoder, type LengthPrefixOptions } from './length-prefix-codec.js';
export { DelimiterCodec, DelimiterDecoder, type DelimiterOptions } from './delimiter-codec.js';
export { FixedSizeCodec, FixedSizeDecoder, type FixedSizeOptions } from './fixed-size-codec.js';
export { JsonHeaderCodec, JsonHeaderDecoder, type JsonHeaderOptions } from './json-header-codec.js';
export { PassthroughCodec, type PassthroughOptions } from './passthrough-codec.js';
export { createCodec } from './create-codec.js';
