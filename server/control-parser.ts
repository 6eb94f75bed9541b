import { ControlMessageError, ErrorCode, isUint, validateControlMessage, type ClientMessage } from '../shared/protocol.js';
import { GatewayError } from './gateway-error.js';

/**
 * Parses and validates one text frame. Throws a GatewayError (BAD_MESSAGE or BAD_OPTION)
 * that names what is wrong; the caller answers with it and the page stays connected.
 * `ref` and `id` found before the failure are attached so the page can match the error.
 */
export function parseControlMessage(text: string): ClientMessage {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new GatewayError(ErrorCode.BadMessage, `control message is not valid JSON: ${(err as Error).message}`);
  }
  try {
    return validateControlMessage(data);
  } catch (err) {
    if (err instanceof ControlMessageError) throw new GatewayError(err.code, err.message);
    throw err;
  }
}

/**
 * Pulls `id` and `ref` out of a message that failed validation, when they are usable. Also
 * works on the truncated head of an oversized message, where JSON.parse cannot.
 */
export function salvageIds(text: string): { id?: number; ref?: number } {
  try {
    const o = JSON.parse(text) as Record<string, unknown>;
    return { id: isUint(o?.id) ? o.id : undefined, ref: isUint(o?.ref) ? o.ref : undefined };
  } catch {
    const field = (name: string) => {
      const m = new RegExp(`"${name}"\\s*:\\s*(\\d{1,10})[,}\\s]`).exec(text);
      const n = m ? Number(m[1]) : NaN;
      return isUint(n) ? n : undefined;
    };
    return { id: field('id'), ref: field('ref') };
  }
}
