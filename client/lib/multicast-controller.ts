/**
 * MulticastController (the Direct Sockets multicast extension, as Chromium ships it): join and
 * leave groups on a bound UDPSocket, any-source or source-specific. Addresses must be IP literals
 * and the group a multicast address (TypeError otherwise); joining the same membership twice,
 * leaving one not joined, or using a closed socket is an InvalidStateError, as in Chromium.
 */
import { invalidState } from './socket-error.js';
import { toDictionary, toDomString, toIpLiteral, type IpLiteral } from './validation.js';

/** Spec: MulticastGroupOptions (`sourceAddress`), plus sockgate's `interface`. */
export interface MulticastGroupOptions {
  /** Source-specific multicast: receive only what this IP sends to the group. */
  sourceAddress?: string;
  /** Non-spec (sockgate extra): the local interface address to join on, e.g. `127.0.0.1`. */
  interface?: string;
}

/** One membership as the gateway is asked for it. */
export interface Membership {
  group: string;
  source: string | undefined;
  iface: string | undefined;
}

/** What the controller needs from its socket. */
export interface MulticastTransport {
  readonly isOpen: boolean;
  membership(op: 'udp.join' | 'udp.leave', membership: Membership): Promise<void>;
}

/** 224.0.0.0/4 or ff00::/8. */
function isMulticast(ip: IpLiteral): boolean {
  if (ip.family === 'IPv4') return Number(ip.address.split('.')[0]) >> 4 === 0xe;
  return ip.address.startsWith('ff');
}

let forget: (controller: MulticastController) => void;

/** Joins and leaves multicast groups on one bound UDP socket. */
export class MulticastController {
  #transport: MulticastTransport;
  /** Joined memberships by key (group, source). */
  #joined = new Map<string, Membership>();
  #pending = new Set<string>();
  #frozen: readonly string[] = Object.freeze([]);

  static {
    // Module-private: the socket clears its controller on close; users cannot.
    forget = (controller) => controller.#forget();
  }

  /** Made by UDPSocket; not constructed by users. */
  constructor(transport: MulticastTransport) {
    this.#transport = transport;
  }

  /** Spec: the groups joined (each group once, however many sources), as one frozen array until it changes. */
  get joinedGroups(): readonly string[] {
    return this.#frozen;
  }

  /** Joins `ipAddress` (from `options.sourceAddress` only, if given); resolves once the gateway has joined. */
  joinGroup(ipAddress: string, options?: MulticastGroupOptions): Promise<void> {
    return this.#change('udp.join', ipAddress, options);
  }

  /** Leaves `ipAddress` (the membership of `options.sourceAddress`, if given); resolves once the gateway has left. */
  leaveGroup(ipAddress: string, options?: MulticastGroupOptions): Promise<void> {
    return this.#change('udp.leave', ipAddress, options);
  }

  #forget(): void {
    this.#joined.clear();
    this.#pending.clear();
    this.#frozen = Object.freeze([]);
  }

  #change(op: 'udp.join' | 'udp.leave', ipAddress: string, rawOptions: MulticastGroupOptions | undefined): Promise<void> {
    const joining = op === 'udp.join';
    try {
      const groupIp = toIpLiteral(ipAddress, 'ipAddress');
      if (!isMulticast(groupIp)) throw new TypeError(`ipAddress ${groupIp.address} is not a multicast address`);
      const options = toDictionary<MulticastGroupOptions>(rawOptions, 'MulticastGroupOptions');
      const source = options.sourceAddress === undefined ? undefined : toIpLiteral(options.sourceAddress, 'sourceAddress');
      if (source && source.family !== groupIp.family) throw new TypeError('sourceAddress and ipAddress must be of the same IP family');
      const iface = options.interface === undefined ? undefined : toIpLiteral(toDomString(options.interface, 'interface'), 'interface').address;
      if (!this.#transport.isOpen) throw invalidState(`Cannot ${joining ? 'join' : 'leave'} group if the socket is not opened`);
      const membership: Membership = { group: groupIp.address, source: source?.address, iface };
      const key = `${membership.group} ${membership.source ?? '*'}`;
      if (this.#pending.has(key)) throw invalidState(joining ? 'Already joining this group' : 'Already leaving the group');
      if (joining && this.#joined.has(key)) throw invalidState('Cannot join the same group again');
      if (!joining && !this.#joined.has(key)) throw invalidState('Cannot leave group which is not joined');
      this.#pending.add(key);
      return this.#transport.membership(op, membership).then(
        () => {
          this.#pending.delete(key);
          if (joining) this.#joined.set(key, membership);
          else this.#joined.delete(key);
          this.#frozen = Object.freeze([...new Set([...this.#joined.values()].map((m) => m.group))]);
        },
        (error: unknown) => {
          this.#pending.delete(key);
          throw error;
        },
      );
    } catch (error) {
      return Promise.reject(error);
    }
  }
}

/** The socket closed: nothing is joined any more (internal; not exported from index). */
export function forgetMemberships(controller: MulticastController): void {
  forget(controller);
}
