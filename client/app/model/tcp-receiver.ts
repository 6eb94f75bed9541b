/**
 * The course's receiver on one TCP socket of the workspace (issue 16 item 8): how the gateway
 * reads it (n per read, a read delay, manual `recv(n)`), the recv now waiting, and what the last
 * recv returned or raised, in words. The bytes a recv pulls arrive on the socket's readable like
 * any read, so the session logs them as usual; this only asks and reports. Events: `change`.
 */
import { recv, setReceiveMode } from '../../lib/lab-extras.js';
import type { TCPSocket } from '../../lib/index.js';
import { errorText } from '../error-text.js';
import {
  pendingOf,
  receiveModeOf,
  recvBusyText,
  recvErrorText,
  recvOptionsOf,
  recvResultText,
  WORKSPACE_RECEIVER,
  type ReceiverSettings,
  type RecvPending,
} from '../receiver-settings.js';

/** Settings that change how the gateway reads (the others only change how a manual recv waits). */
const READ_KEYS: ReadonlySet<keyof ReceiverSettings> = new Set(['readDelayMs', 'manual', 'recvN']);

/** What the last recv() or setting change came to. */
export interface ReceiverNote {
  text: string;
  /** `error`: an exception Python would raise (socket.timeout, BlockingIOError) or a refusal. */
  kind: 'result' | 'error' | 'busy';
}

/** One TCP socket's receiver. */
export class TcpReceiver extends EventTarget {
  settings: ReceiverSettings = { ...WORKSPACE_RECEIVER };
  /** The manual recv() waiting for data, if any. */
  pending: RecvPending | undefined;
  /** What the last recv() returned or raised; undefined before any. */
  note: ReceiverNote | undefined;
  /** Bytes pulled by recv() presses so far. */
  recvBytes = 0;
  #socket: () => TCPSocket | undefined;

  constructor(socket: () => TCPSocket | undefined) {
    super();
    this.#socket = socket;
  }

  /** True while the socket reads otherwise than as it arrives (some knob is off its default). */
  get active(): boolean {
    const s = this.settings;
    return s.manual || s.readDelayMs > 0 || s.recvN !== WORKSPACE_RECEIVER.recvN;
  }

  /** Changes settings; those that change how the gateway reads go to it at once. Resolves when it agreed. */
  async change(patch: Partial<ReceiverSettings>): Promise<void> {
    const before = this.settings;
    this.settings = { ...before, ...patch };
    this.#changed();
    const socket = this.#socket();
    if (!socket || !Object.keys(patch).some((k) => READ_KEYS.has(k as keyof ReceiverSettings))) return;
    try {
      await setReceiveMode(socket, receiveModeOf(this.settings));
    } catch (error) {
      // The gateway refused: the controls go back to what it still does.
      this.settings = before;
      this.#note({ text: errorText(error), kind: 'error' });
    }
  }

  /** One manual `recv(n)`: waits as the settings say; a second press while one waits is refused in words. */
  async recv(): Promise<void> {
    if (this.pending) return this.#note({ text: recvBusyText(this.pending), kind: 'busy' });
    const socket = this.#socket();
    if (!socket) return;
    const s = this.settings;
    this.pending = pendingOf(s);
    this.note = undefined;
    this.#changed();
    try {
      const { bytes, buffered } = await recv(socket, s.recvN, recvOptionsOf(s));
      this.recvBytes += bytes;
      this.note = { text: recvResultText(s.recvN, bytes, buffered), kind: 'result' };
    } catch (error) {
      this.note = { text: recvErrorText(error, s.recvTimeoutMs), kind: 'error' };
    } finally {
      this.pending = undefined;
      this.#changed();
    }
  }

  #note(note: ReceiverNote): void {
    this.note = note;
    this.#changed();
  }

  #changed(): void {
    this.dispatchEvent(new Event('change'));
  }
}

const receivers = new WeakMap<object, TcpReceiver>();

/** `session`'s receiver, created on first use (the session hands over its socket once it has one). */
export function receiverOf(session: { readonly tcpSocket: TCPSocket | undefined }): TcpReceiver {
  let r = receivers.get(session);
  if (!r) {
    r = new TcpReceiver(() => session.tcpSocket);
    receivers.set(session, r);
  }
  return r;
}
