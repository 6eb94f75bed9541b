/**
 * Ways of writing a target the policy must deny. Each entry names the rule that must catch
 * it. The policy the corpus runs against is {@link CORPUS_POLICY}: the defaults plus user
 * rules that deny part of loopback, so the same spellings can also be tried end to end
 * without a single packet leaving this machine (a denied loopback address that slipped
 * through would still only reach loopback).
 */

/** User rules of the corpus policy (on top of the defaults). */
export const CORPUS_DENY = ['127.77.0.0/16', '127.0.0.1:6379', '[::1]:6379'];

/** Rule labels as the policy names them. */
export const RULE = {
  metadata: 'default deny 169.254.169.254/32',
  metadata6: 'default deny fd00:ec2::254/128',
  publicNet: 'default deny: public internet (add --allow CIDR to permit)',
  unspecified: 'builtin: the unspecified address (0.0.0.0, ::) is not a target',
  lab: '--deny 127.77.0.0/16',
  redis: '--deny 127.0.0.1:6379',
  redis6: '--deny [::1]:6379',
} as const;

export interface BypassCase {
  /** The host exactly as a page sends it. */
  host: string;
  port: number;
  /** The address it really means. */
  means: string;
  rule: string;
  /** What trick it tries. */
  trick: string;
  /** True when a connection attempt could only ever reach loopback (safe to try end to end). */
  loopback: boolean;
}

const c = (host: string, means: string, rule: string, trick: string, port = 80): BypassCase => ({
  host,
  port,
  means,
  rule,
  trick,
  loopback: /^127\.|^::1$/.test(means),
});

/** Literal spellings (no resolver involved). */
export const LITERAL_CORPUS: BypassCase[] = [
  // Cloud metadata, 169.254.169.254, inside an otherwise allowed link-local range.
  c('169.254.169.254', '169.254.169.254', RULE.metadata, 'dotted decimal'),
  c('2852039166', '169.254.169.254', RULE.metadata, 'one 32-bit decimal number'),
  c('0xa9fea9fe', '169.254.169.254', RULE.metadata, 'one 32-bit hex number'),
  c('0XA9FEA9FE', '169.254.169.254', RULE.metadata, 'upper-case hex'),
  c('0251.0376.0251.0376', '169.254.169.254', RULE.metadata, 'octal parts'),
  c('0xa9.0xfe.0xa9.0xfe', '169.254.169.254', RULE.metadata, 'hex parts'),
  c('0251.254.0xa9.254', '169.254.169.254', RULE.metadata, 'mixed octal, decimal and hex parts'),
  c('169.254.43518', '169.254.169.254', RULE.metadata, 'three parts (last is 16 bits)'),
  c('169.16689662', '169.254.169.254', RULE.metadata, 'two parts (last is 24 bits)'),
  c('00000251.0376.00251.0376', '169.254.169.254', RULE.metadata, 'octal with extra leading zeros'),
  c('169.254.169.254.', '169.254.169.254', RULE.metadata, 'trailing dot'),
  c('2852039166.', '169.254.169.254', RULE.metadata, 'decimal number with trailing dot'),
  c('::ffff:169.254.169.254', '169.254.169.254', RULE.metadata, 'IPv4-mapped IPv6'),
  c('::ffff:a9fe:a9fe', '169.254.169.254', RULE.metadata, 'IPv4-mapped IPv6 in hex'),
  c('[::ffff:169.254.169.254]', '169.254.169.254', RULE.metadata, 'bracketed IPv4-mapped IPv6'),
  c('0:0:0:0:0:ffff:a9fe:a9fe', '169.254.169.254', RULE.metadata, 'IPv4-mapped IPv6, uncompressed'),
  c('::169.254.169.254', '169.254.169.254', RULE.metadata, 'IPv4-compatible IPv6 (deprecated form)'),
  c('0:0:0:0:0:0:a9fe:a9fe', '169.254.169.254', RULE.metadata, 'IPv4-compatible IPv6, uncompressed hex'),
  c('64:ff9b::169.254.169.254', '169.254.169.254', RULE.metadata, 'NAT64 well-known prefix'),
  c('64:ff9b::a9fe:a9fe', '169.254.169.254', RULE.metadata, 'NAT64 prefix in hex'),
  c('fd00:ec2::254', 'fd00:ec2::254', RULE.metadata6, 'AWS metadata over IPv6 (inside allowed ULA fc00::/7)'),
  c('[fd00:ec2::254]', 'fd00:ec2::254', RULE.metadata6, 'bracketed'),
  c('fd00:ec2:0:0:0:0:0:254', 'fd00:ec2::254', RULE.metadata6, 'uncompressed'),
  c('FD00:EC2::254', 'fd00:ec2::254', RULE.metadata6, 'upper case'),
  c('fd00:0ec2::0254', 'fd00:ec2::254', RULE.metadata6, 'zero-padded groups'),
  c('fd00:ec2::254%lo', 'fd00:ec2::254', RULE.metadata6, 'scoped (zone id)'),
  c('[fd00:ec2::254%1]', 'fd00:ec2::254', RULE.metadata6, 'bracketed, numeric zone id'),
  // Public internet, denied by default.
  c('8.8.8.8', '8.8.8.8', RULE.publicNet, 'dotted decimal'),
  c('134744072', '8.8.8.8', RULE.publicNet, 'one decimal number'),
  c('0x08080808', '8.8.8.8', RULE.publicNet, 'one hex number'),
  c('010.010.010.010', '8.8.8.8', RULE.publicNet, 'octal that reads like private 10.10.10.10'),
  c('8.526344', '8.8.8.8', RULE.publicNet, 'two parts'),
  c('::ffff:8.8.8.8', '8.8.8.8', RULE.publicNet, 'IPv4-mapped IPv6'),
  c('2001:4860:4860::8888', '2001:4860:4860::8888', RULE.publicNet, 'public IPv6'),
  c('[2001:4860:4860::8888]', '2001:4860:4860::8888', RULE.publicNet, 'bracketed public IPv6'),
  c('2001:4860:4860::8888%lo', '2001:4860:4860::8888', RULE.publicNet, 'scoped public IPv6'),
  c('::ffff:0:808:808', '8.8.8.8', RULE.publicNet, 'IPv4-translated (SIIT) form'),
  c('1.1.1.1.', '1.1.1.1', RULE.publicNet, 'trailing dot'),
  c('0x1.0x1.0x1.0x1', '1.1.1.1', RULE.publicNet, 'hex parts'),
  // The unspecified address: Linux connects 0.0.0.0 to this host, so it is never a target.
  c('0.0.0.0', '0.0.0.0', RULE.unspecified, 'all zeros'),
  c('0', '0.0.0.0', RULE.unspecified, 'a bare zero'),
  c('0x0', '0.0.0.0', RULE.unspecified, 'hex zero'),
  c('0.0', '0.0.0.0', RULE.unspecified, 'two-part zero'),
  c('00.00.00.00', '0.0.0.0', RULE.unspecified, 'octal zeros'),
  c('::', '::', RULE.unspecified, 'IPv6 unspecified'),
  c('[::]', '::', RULE.unspecified, 'bracketed IPv6 unspecified'),
  c('0:0:0:0:0:0:0:0', '::', RULE.unspecified, 'IPv6 unspecified, uncompressed'),
  c('::ffff:0.0.0.0', '0.0.0.0', RULE.unspecified, 'IPv4-mapped unspecified'),
  // Loopback addresses a user rule denies (127.77.0.0/16): the odd notation must not escape it.
  c('127.77.0.1', '127.77.0.1', RULE.lab, 'dotted decimal'),
  c('2135752705', '127.77.0.1', RULE.lab, 'one decimal number'),
  c('0x7f4d0001', '127.77.0.1', RULE.lab, 'one hex number'),
  c('0177.0115.0.01', '127.77.0.1', RULE.lab, 'octal parts'),
  c('0x7f.0x4d.0.1', '127.77.0.1', RULE.lab, 'hex parts'),
  c('127.77.1', '127.77.0.1', RULE.lab, 'three parts'),
  c('127.5046273', '127.77.0.1', RULE.lab, 'two parts'),
  c('127.77.0.1.', '127.77.0.1', RULE.lab, 'trailing dot'),
  c('::ffff:127.77.0.1', '127.77.0.1', RULE.lab, 'IPv4-mapped IPv6'),
  c('::ffff:7f4d:1', '127.77.0.1', RULE.lab, 'IPv4-mapped IPv6 in hex'),
  c('[::ffff:127.77.0.1]', '127.77.0.1', RULE.lab, 'bracketed IPv4-mapped IPv6'),
  c('::127.77.0.1', '127.77.0.1', RULE.lab, 'IPv4-compatible IPv6'),
  c('64:ff9b::7f4d:1', '127.77.0.1', RULE.lab, 'NAT64 prefix'),
  c('127.77.255.254', '127.77.255.254', RULE.lab, 'top of the denied range'),
  // A port rule protecting a local service (127.0.0.1:6379 and [::1]:6379).
  c('127.0.0.1', '127.0.0.1', RULE.redis, 'the protected port itself', 6379),
  c('2130706433', '127.0.0.1', RULE.redis, 'decimal loopback on the protected port', 6379),
  c('0x7f.1', '127.0.0.1', RULE.redis, 'short hex loopback on the protected port', 6379),
  c('0177.0.0.1', '127.0.0.1', RULE.redis, 'octal loopback on the protected port', 6379),
  c('::ffff:127.0.0.1', '127.0.0.1', RULE.redis, 'IPv4-mapped loopback on the protected port', 6379),
  c('::1', '::1', RULE.redis6, 'IPv6 loopback on the protected port', 6379),
  c('0:0:0:0:0:0:0:1', '::1', RULE.redis6, 'IPv6 loopback uncompressed', 6379),
  c('[::1]', '::1', RULE.redis6, 'bracketed IPv6 loopback', 6379),
];

/** Names and the answers a resolver (hosts file or DNS) gives for them; every one must be denied. */
export interface NameCase {
  name: string;
  answers: string[];
  rule: string;
  trick: string;
}

export const NAME_CORPUS: NameCase[] = [
  { name: 'metadata.corpus.test', answers: ['169.254.169.254'], rule: RULE.metadata, trick: 'a name for the metadata address' },
  { name: 'lab.corpus.test', answers: ['127.77.0.1'], rule: RULE.lab, trick: 'a name for a denied loopback address' },
  { name: 'mixed.corpus.test', answers: ['127.0.0.1', '127.77.0.1'], rule: RULE.lab, trick: 'allowed answer first, denied second' },
  { name: 'mixed-rev.corpus.test', answers: ['127.77.0.9', '127.0.0.1'], rule: RULE.lab, trick: 'denied answer first, allowed second' },
  { name: 'mixed6.corpus.test', answers: ['127.0.0.1', '2001:db8::1'], rule: RULE.publicNet, trick: 'allowed A, public AAAA' },
  { name: 'mapped.corpus.test', answers: ['::ffff:a9fe:a9fe'], rule: RULE.metadata, trick: 'AAAA answer that maps to the metadata IPv4 address' },
  { name: 'zero.corpus.test', answers: ['0.0.0.0'], rule: RULE.unspecified, trick: 'a name for 0.0.0.0' },
];
