import type { FrameCodec, FrameDecoder } from './frame-codec.js';
import type { PassthroughSpec } from './framing-spec.js';
import { checkKeys } from './spec-checks.js';

/** Options of {@link PassthroughCodec}: a {@link PassthroughSpec} without (or with) its `kind`. */
export type PassthroughOptions = Omit<PassthroughSpec, 'kind'> & { kind?: 'none' };

/** No framing (`kind: 'none'`): each chunk read is one message, each message is written unchanged. */
export class PassthroughCodec implements FrameCodec<Uint8Array> {
  /** Takes no options beyond `kind`. */
  constructor(options: PassthroughOptions = {}) {
    checkKeys(options, 'none', []);
  }

  /** The message itself, not copied. */
  encode(message: Uint8Array): Uint8Array {
    if (!(message instanceof Uint8Array)) throw new TypeError('passthrough framing encodes Uint8Array messages');
    return message;
  }

  /** The whole buffer as one message (none if it is empty). */
  decode(bytes: Uint8Array): Uint8Array[] {
    return bytes.length > 0 ? [bytes] : [];
  }

  /** A decoder that returns every non-empty chunk as it came. */
  createDecoder(): FrameDecoder<Uint8Array> {
    let offset = 0;
    let ended = false;
    return {
      push(chunk: Uint8Array, out: Uint8Array[] = []): Uint8Array[] {
        if (ended) throw new Error('FrameDecoder has ended: push() called after end()');
        if (!(chunk instanceof Uint8Array)) throw new TypeError('FrameDecoder.push() takes a Uint8Array');
        if (chunk.length > 0) out.push(chunk);
        offset += chunk.length;
        return out;
      },
      end(): void {
        if (ended) throw new Error('FrameDecoder has ended: end() called after end()');
        ended = true;
      },
      buffered: 0,
      get offset() {
        return offset;
      },
    };
  }
}
