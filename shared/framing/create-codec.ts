import { DelimiterCodec } from './delimiter-codec.js';
import { FixedSizeCodec } from './fixed-size-codec.js';
import type { FrameCodec } from './frame-codec.js';
import type { FramedMessage, FramingSpec } from './framing-spec.js';
import { JsonHeaderCodec } from './json-header-codec.js';
import { LengthPrefixCodec } from './length-prefix-codec.js';
import { PassthroughCodec } from './passthrough-codec.js';

/**
 * The codec a JSON-serialisable {@link FramingSpec} describes. Throws TypeError/RangeError naming
 * the offending field for an invalid spec, so a page can show the message next to its form.
 */
export function createCodec<S extends FramingSpec>(spec: S): FrameCodec<FramedMessage<S>>;
export function createCodec(spec: FramingSpec): FrameCodec<Uint8Array> | FrameCodec<FramedMessage> {
  if (spec === null || typeof spec !== 'object') throw new TypeError('framing spec must be an object');
  const kind = (spec as { kind?: unknown }).kind;
  switch (spec.kind) {
    case 'length':
      return new LengthPrefixCodec(spec);
    case 'delimiter':
      return new DelimiterCodec(spec);
    case 'fixed':
      return new FixedSizeCodec(spec);
    case 'json-header':
      return new JsonHeaderCodec(spec) as FrameCodec<FramedMessage>;
    case 'none':
      return new PassthroughCodec(spec);
    default:
      spec satisfies never;
      throw new TypeError(`unknown framing kind ${JSON.stringify(kind)} (known: length, delimiter, fixed, json-header, none)`);
  }
}
