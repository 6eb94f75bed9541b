import { execFileSync } from 'node:child_process';

/**
 * A real LAN for a test: network namespaces on a bridge, host i at SUBNET.i on its `eth0`, the test
 * process at SUBNET.254 on the bridge. Every packet stays on the test's own subnet; the namespaces
 * have no other route, so nothing they send can leave them. Names and subnet are unique per run
 * (from the pid) so two runs, or a crashed one, never collide.
 */

/** Network namespaces need root. */
export const isRoot = process.getuid?.() === 0;
/** SOCKGATE_REQUIRE_NETNS=1 makes a missing root an error instead of a skip. */
export const netnsRequired = process.env.SOCKGATE_REQUIRE_NETNS === '1';

/** `ip ARGS…`, its stdout. */
export const ip = (...args: string[]): string => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

export interface NetnsLan {
  /** `10.77.N`: the first three octets. */
  subnet: string;
  /** Namespace of host i+1 (address SUBNET.(i+1)). */
  namespaces: string[];
  bridge: string;
  /** The prefix every namespace name starts with (to check none is left). */
  tag: string;
  /** Deletes the namespaces and the bridge (whatever of them exists). */
  remove(): void;
}

/**
 * Creates `hosts` namespaces on one bridge. `prefix` (2 letters) and `octet2` keep different test
 * files apart: their names and subnets never meet even when their pids match modulo the ranges.
 */
export function createNetnsLan(opts: { prefix: string; octet2: number; hosts: number }): NetnsLan {
  const tag = String(process.pid % 10000).padStart(4, '0');
  const subnet = `10.${opts.octet2}.${10 + (process.pid % 240)}`;
  const namespaces = Array.from({ length: opts.hosts }, (_, i) => `${opts.prefix}ns${tag}h${i + 1}`);
  const bridge = `${opts.prefix}br${tag}`;
  const remove = () => {
    for (const ns of namespaces) {
      try {
        ip('netns', 'del', ns);
      } catch {
        // not created
      }
    }
    try {
      ip('link', 'del', bridge);
    } catch {
      // not created
    }
  };
  remove();
  ip('link', 'add', bridge, 'type', 'bridge', 'mcast_snooping', '0');
  ip('addr', 'add', `${subnet}.254/24`, 'dev', bridge);
  ip('link', 'set', bridge, 'up');
  namespaces.forEach((ns, i) => {
    const veth = `${opts.prefix}v${tag}h${i + 1}`;
    ip('netns', 'add', ns);
    ip('link', 'add', veth, 'type', 'veth', 'peer', 'name', `${veth}p`);
    ip('link', 'set', `${veth}p`, 'netns', ns);
    ip('-n', ns, 'link', 'set', `${veth}p`, 'name', 'eth0');
    ip('-n', ns, 'addr', 'add', `${subnet}.${i + 1}/24`, 'brd', '+', 'dev', 'eth0');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'link', 'set', 'eth0', 'up');
    // Multicast leaves through the LAN interface (there is no default route to follow).
    ip('-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', 'eth0');
    ip('link', 'set', veth, 'master', bridge);
    ip('link', 'set', veth, 'up');
  });
  return { subnet, namespaces, bridge, tag: `${opts.prefix}ns${tag}`, remove };
}
