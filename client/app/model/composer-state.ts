/**
 * Each socket's own composer state (issue 12, defect 3): text, input mode, encoding, framing,
 * Times, interval, one write, until stopped, and its target (a server's client, a UDP host:port).
 * Switching sockets swaps the whole state, so nothing carries over. A connection a server
 * accepted starts with its server's payload settings (the same protocol), everything else starts
 * from the defaults. Kept beside the session, never in it, so the model stays DOM-free and small.
 */
import { DEFAULT_PAYLOAD, type PayloadSettings } from './composer-payload.js';

/** What one socket's composer holds. */
export interface ComposerState {
  text: string;
  settings: PayloadSettings;
  repeat: number;
  intervalMs: number;
  oneWrite: boolean;
  forever: boolean;
  /** A server's target: `'all'` or a client's session id. */
  serverTarget: string;
  udpHost: string;
  udpPort: number;
}

/** The part of a session this module needs: its identity and the server that accepted it. */
interface Owner {
  readonly parent?: object | undefined;
}

const states = new WeakMap<object, ComposerState>();

/** A fresh state (no socket's settings). */
export function defaultComposerState(): ComposerState {
  return { text: 'hello\\n', settings: { ...DEFAULT_PAYLOAD }, repeat: 1, intervalMs: 1000, oneWrite: false, forever: false, serverTarget: 'all', udpHost: '127.0.0.1', udpPort: 9000 };
}

/** `session`'s composer state, created on first use. */
export function composerStateOf(session: Owner): ComposerState {
  let state = states.get(session);
  if (!state) {
    state = defaultComposerState();
    const parent = session.parent && states.get(session.parent);
    if (parent) state.settings = { ...parent.settings };
    states.set(session, state);
  }
  return state;
}
