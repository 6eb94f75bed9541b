/**
 * WHATWG TransformStreams over the shared framing codecs, for piping socket streams:
 * `socket.readable.pipeThrough(new FramingDecoderStream({ kind: 'length', format: '!I' }))`.
 * Plain web-platform code: runs in browsers and in Node 20.
 */
import { createCodec, type FramedMessage, type FramingSpec } from '../../shared/framing/index.js';

/**
 * Bytes in, messages out, framed as `spec` says. Where the bytes cannot be decoded, the stream
 * errors with the `FramingError` (its `code` and stream `offset`) — after delivering every message
 * decoded before that point; a partial frame when the input closes errors it with `TRUNCATED`.
 */
export class FramingDecoderStream<S extends FramingSpec = FramingSpec> extends TransformStream<Uint8Array, FramedMessage<S>> {
  /** Validates `spec` at once (TypeError/RangeError), like {@link createCodec}. */
  constructor(spec: S) {
    const decoder = createCodec(spec).createDecoder();
    super({
      async transform(chunk, controller) {
        const out: FramedMessage<S>[] = [];
        try {
          decoder.push(chunk, out);
        } catch (error) {
          for (const message of out) controller.enqueue(message);
          // Erroring a stream discards what it still holds, so let the reader take the good messages first.
          await drained(controller);
          throw error;
        }
        for (const message of out) controller.enqueue(message);
      },
      async flush(controller) {
        try {
          decoder.end();
        } catch (error) {
          await drained(controller);
          throw error;
        }
      },
    });
  }
}

/** Messages in, framed bytes out, as `spec` says; a message that cannot be framed errors the stream (RangeError/TypeError). */
export class FramingEncoderStream<S extends FramingSpec = FramingSpec> extends TransformStream<FramedMessage<S>, Uint8Array> {
  /** Validates `spec` at once (TypeError/RangeError), like {@link createCodec}. */
  constructor(spec: S) {
    const codec = createCodec(spec);
    super({
      transform(message, controller) {
        controller.enqueue(codec.encode(message));
      },
    });
  }
}

/** Resolves once the readable side's queue is empty (or the stream is no longer readable). */
async function drained(controller: TransformStreamDefaultController<unknown>): Promise<void> {
  while (controller.desiredSize !== null && controller.desiredSize < 0) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}
