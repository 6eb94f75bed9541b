/**
 * MulticastController (spec: the Direct Sockets multicast extension): join and leave groups on a
 * bound UDPSocket. Addresses must be IP literals (TypeError otherwise); joining twice, leaving a
 * group not joined, or using a closed socket is an InvalidStateError, as in Chromium.
 */
import { invalidState } from './socket-error.js';
import { toDictionary, toDomString, toIpLiteral } from './validation.js';

/** Non-spec options for joinGroup/leaveGroup. */
export interface MulticastGroupOptions {
  /** Source-specific multicast (spec member). The gateway does not support it: TypeError if given. */
  sourceAddress?: string;
  /** Non-spec (sockgate extra): the local interface address to join on, e.g. `127.0.0.1`. */
  interface?: string;
}

/** What the controller needs from its socket. */
export interface MulticastTransport {
  readonly isOpen: boolean;
  membership(op: 'udp.join' | 'udp.leave', group: string, iface: string | undefined): Promise<void>;
}

/** Joins and leaves multicast groups on one bound UDP socket. */
export class MulticastController {
  #transport: MulticastTransport;
  #joined: string[] = [];
  #joining = new Set<string>();
  #leaving = new Set<string>();
  #frozen: readonly string[] = Object.freeze([]);

  /** Made by UDPSocket; not constructed by users. */
  constructor(transport: MulticastTransport) {
    this.#transport = transport;
  }

  /** Groups currently joined (normalised addresses), as a frozen array. */
  get joinedGroups(): readonly string[] {
    return this.#frozen;
  }

  /** Joins `ipAddress`; resolves once the gateway has joined. */
  joinGroup(ipAddress: string, options?: MulticastGroupOptions): Promise<void> {
    return this.#change('udp.join', ipAddress, options);
  }

  /** Leaves `ipAddress`; resolves once the gateway has left. */
  leaveGroup(ipAddress: string, options?: MulticastGroupOptions): Promise<void> {
    return this.#change('udp.leave', ipAddress, options);
  }

  /** The socket closed: nothing is joined any more. */
  reset(): void {
    this.#joined = [];
    this.#frozen = Object.freeze([]);
    this.#joining.clear();
    this.#leaving.clear();
  }

  #change(op: 'udp.join' | 'udp.leave', ipAddress: string, rawOptions: MulticastGroupOptions | undefined): Promise<void> {
    const joining = op === 'udp.join';
    try {
      if (!this.#transport.isOpen) throw invalidState(`Cannot ${joining ? 'join' : 'leave'} group if the socket is not opened`);
      const group = toIpLiteral(ipAddress, 'ipAddress').address;
      const options = toDictionary<MulticastGroupOptions>(rawOptions, 'options');
      if (options.sourceAddress !== undefined) throw new TypeError('sourceAddress (source-specific multicast) is not supported by the gateway');
      const iface = options.interface === undefined ? undefined : toIpLiteral(toDomString(options.interface, 'interface'), 'interface').address;
      if (joining) {
        if (this.#joined.includes(group)) throw invalidState('Cannot join the same group again');
        if (this.#joining.has(group)) throw invalidState('Already joining this group');
      } else {
        if (!this.#joined.includes(group)) throw invalidState('Cannot leave group which is not joined');
        if (this.#leaving.has(group)) throw invalidState('Already leaving the group');
      }
      const pending = joining ? this.#joining : this.#leaving;
      pending.add(group);
      return this.#transport.membership(op, group, iface).then(
        () => {
          pending.delete(group);
          if (joining && !this.#joined.includes(group)) this.#joined.push(group);
          if (!joining) this.#joined = this.#joined.filter((g) => g !== group);
          this.#frozen = Object.freeze([...this.#joined]);
        },
        (error: unknown) => {
          pending.delete(group);
          throw error;
        },
      );
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
