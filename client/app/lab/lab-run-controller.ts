/**
 * `LabRunController`: owns the sockets of the sticky-packet lab (one {@link LabConnection} at a
 * time) for its host element, and what the stage says about them — the run's status and message.
 * Guided scenarios, free-play sends, manual `recv(n)` and knob changes go through it; a newer run
 * makes an older one stop touching the status. The sockets close with the host (`hostDisconnected`)
 * or when the page's gateway connection is replaced ({@link LabRunController.drop}).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { SocketGateway } from '../../lib/index.js';
import { msg } from '../i18n.js';
import { FrameBatcher } from '../model/frame-batcher.js';
import { pendingOf, recvBusyText, recvErrorText, recvOptionsOf, recvResultText, type RecvPending } from '../receiver-settings.js';
import type { Knobs } from './knobs.js';
import { LabConnection, type LabTarget } from './lab-connection.js';
import { PacketLog } from './packet-log.js';
import { applyKnobs, applyReceiver, runScenario, sendMessages } from './scenario-runner.js';
import type { Scenario, ScenarioId, ScenarioMessage } from './scenarios.js';

/** Where the current run is, as the stage's `data-status` shows it. */
export type LabStatus = 'idle' | 'connecting' | 'running' | 'done' | 'error';

const runErrorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

const sameTarget = (a: LabTarget, b: LabTarget) => (a.kind === 'pair' ? b.kind === 'pair' : b.kind === 'remote' && a.host === b.host && a.port === b.port);

/** The lab's sockets and run state, for one host element. */
export class LabRunController implements ReactiveController {
  /** The open lab connection, if any. */
  conn: LabConnection | undefined;
  /** The guided scenario the stage shows; undefined in free play. */
  scenario: ScenarioId | undefined;
  /** Where the current run is. */
  status: LabStatus = 'idle';
  /** What the stage says under the picture (an error, or what a recv() returned). */
  message = '';
  /** The manual recv() waiting for data, if any (the knobs show it as pending). */
  recvPending: RecvPending | undefined;
  /** Capture the next connections' packets (tcpdump on the gateway's lo). */
  captureOn = false;
  /** The capture of the latest connection (kept when its connect failed: a refused port's SYN and RST). */
  capture: PacketLog | undefined;

  #host: ReactiveControllerHost;
  #gateway: () => SocketGateway | undefined;
  #runId = 0;
  /** Re-renders at most once per frame while chunks pour in. */
  #batcher: FrameBatcher;
  #changed = () => this.#batcher.schedule();

  constructor(host: ReactiveControllerHost, gateway: () => SocketGateway | undefined) {
    this.#host = host;
    this.#gateway = gateway;
    this.#batcher = new FrameBatcher(() => host.requestUpdate());
    host.addController(this);
  }

  hostDisconnected(): void {
    void this.conn?.close();
    this.conn = undefined;
  }

  /** The gateway connection was replaced: its sockets died with it, so forget them. */
  drop(): void {
    const old = this.conn;
    if (!old) return;
    this.#set({ conn: undefined, status: 'idle' });
    this.#runId++;
    void old.close();
  }

  /** Runs guided scenario `s` with its knobs `k` on a fresh pair of sockets. */
  async runScenario(s: Scenario, k: Knobs): Promise<void> {
    const run = ++this.#runId;
    // Before any await: the stage never shows the new scenario with the previous run's status.
    this.#set({ scenario: s.id, status: 'connecting', message: '' });
    try {
      const conn = await this.#open({ kind: 'pair' }, k);
      this.#set({ status: 'running' });
      await runScenario(conn, s, k, () => run === this.#runId);
      if (run === this.#runId) this.#set({ status: 'done' });
    } catch (err) {
      if (run === this.#runId) this.#set({ status: 'error', message: runErrorText(err) });
    }
  }

  /** Free play: writes `messages` with knobs `k`, on the open connection if it goes to `target`, else on a new one. */
  async send(target: LabTarget, messages: readonly ScenarioMessage[], k: Knobs): Promise<void> {
    this.#set({ message: '' });
    try {
      const current = this.conn;
      const conn = current && current.client.status === 'open' && sameTarget(current.target, target) ? current : await this.#openForPlay(target, k);
      this.#set({ status: 'running' });
      await sendMessages(conn.sender(k.direction), messages, k);
      this.#set({ status: 'done' });
    } catch (err) {
      this.#set({ status: 'error', message: runErrorText(err) });
    }
  }

  /** Free play: opens a fresh connection to `target` with knobs `k` (the picture starts empty). */
  async newConnection(target: LabTarget, k: Knobs): Promise<void> {
    this.#runId++;
    this.#set({ message: '', status: 'connecting' });
    try {
      await this.#openForPlay(target, k);
    } catch (err) {
      this.#set({ status: 'error', message: runErrorText(err) });
    }
  }

  /** Manual mode: one `recv(k.recvN)` on the reading side (blocking, with a timeout, or non-blocking); the stage says what it returned. */
  async recv(k: Knobs): Promise<void> {
    const conn = this.conn;
    if (!conn) return;
    // One recv at a time, as on one socket: a second press while one waits says so in words.
    if (this.recvPending) return this.#set({ message: recvBusyText(this.recvPending) });
    this.#set({ recvPending: pendingOf(k), message: '' });
    try {
      const n = await conn.receiver(k.direction).recv(k.recvN, recvOptionsOf(k));
      this.#set({ message: recvResultText(k.recvN, n) });
    } catch (err) {
      this.#set({ message: recvErrorText(err, k.recvTimeoutMs) });
    } finally {
      this.#set({ recvPending: undefined });
    }
  }

  /** Applies a changed knob to the open sockets at once (Nagle on the writer, receive mode on the reader). */
  async applyKnob(key: keyof Knobs, k: Knobs): Promise<void> {
    const conn = this.conn;
    if (!conn) return;
    try {
      if (key === 'noDelay') await conn.sender(k.direction).setSender({ noDelay: k.noDelay });
      if (key === 'readDelayMs' || key === 'manual' || key === 'recvN') await applyReceiver(conn.receiver(k.direction), k);
    } catch (err) {
      this.#set({ message: runErrorText(err) });
    }
  }

  /** Closes one socket of the connection, by the TCP-state panel's key. */
  async closeSocket(key: string): Promise<void> {
    const conn = this.conn;
    if (!conn) return;
    if (key === 'client') await conn.client.close();
    else if (key === 'accepted') await conn.accepted?.close();
    else if (key === 'listener') await conn.closeServer();
    this.#host.requestUpdate();
  }

  /** Shows `text` under the picture (an error of the host's own, e.g. loading the lab services). */
  say(text: string): void {
    this.#set({ message: text });
  }

  async #open(target: LabTarget, k: Knobs): Promise<LabConnection> {
    const gateway = this.#gateway();
    if (!gateway) throw new Error(msg('Not connected to the gateway yet.', { id: 'lab.err.noGateway' }));
    const old = this.conn;
    this.#set({ conn: undefined });
    await old?.close();
    this.capture?.detach();
    this.#set({ status: 'connecting', capture: this.captureOn ? new PacketLog(this.#changed) : undefined });
    const conn = await LabConnection.open(gateway, target, { noDelay: k.noDelay, capture: this.capture }, this.#changed);
    this.#set({ conn });
    return conn;
  }

  async #openForPlay(target: LabTarget, k: Knobs): Promise<LabConnection> {
    this.#set({ scenario: undefined });
    const conn = await this.#open(target, k);
    await applyKnobs(conn, k);
    this.#set({ status: 'idle' });
    return conn;
  }

  /** Turns capturing of the next connections on or off. */
  setCapture(on: boolean): void {
    this.#set({ captureOn: on });
  }

  #set(patch: Partial<Pick<LabRunController, 'conn' | 'scenario' | 'status' | 'message' | 'capture' | 'captureOn' | 'recvPending'>>): void {
    Object.assign(this, patch);
    this.#host.requestUpdate();
  }
}
