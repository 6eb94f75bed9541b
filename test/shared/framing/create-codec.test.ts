import { describe, expect, it } from 'vitest';
import {
  DelimiterCodec,
  FixedSizeCodec,
  JsonHeaderCodec,
  LengthPrefixCodec,
  PassthroughCodec,
  createCodec,
  type FramingSpec,
} from '../../../shared/framing/index.js';

describe('createCodec', () => {
  it('builds the codec each kind names, from a spec that survived JSON', () => {
    const specs: FramingSpec[] = [
      { kind: 'length', bytes: 4, endian: 'little', signed: true, includesHeader: false, maxFrame: 1 << 20 },
      { kind: 'length', format: '!I' },
      { kind: 'delimiter', delimiter: '\r\n', keepDelimiter: false, maxFrame: 8192 },
      { kind: 'delimiter', delimiter: [0] },
      { kind: 'fixed', size: 16 },
      { kind: 'json-header', format: 'i', lengthField: 'file_size', maxHeader: 1024, maxFrame: 1 << 24 },
      { kind: 'none' },
    ];
    const classes = [LengthPrefixCodec, LengthPrefixCodec, DelimiterCodec, DelimiterCodec, FixedSizeCodec, JsonHeaderCodec, PassthroughCodec];
    specs.forEach((spec, i) => expect(createCodec(JSON.parse(JSON.stringify(spec)) as FramingSpec)).toBeInstanceOf(classes[i]));
  });

  it('types messages by kind', () => {
    const json = createCodec({ kind: 'json-header' });
    const framed: Uint8Array = json.encode({ header: {}, body: new Uint8Array(1) });
    const [message] = json.decode(framed);
    expect(message.header).toEqual({ total_size: 1 });
    const length = createCodec({ kind: 'length' });
    expect(length.decode(length.encode(Uint8Array.of(9)))).toEqual([Uint8Array.of(9)]);
  });

  it('rejects unknown kinds and fields with messages a form can show', () => {
    expect(() => createCodec({ kind: 'lines' } as never)).toThrow('unknown framing kind "lines" (known: length, delimiter, fixed, json-header, none)');
    expect(() => createCodec({ kind: 'fixed', size: 4, maxFrame: 4 } as never)).toThrow('fixed framing spec has unknown field "maxFrame"');
    expect(() => createCodec(null as never)).toThrow(TypeError);
  });
});
