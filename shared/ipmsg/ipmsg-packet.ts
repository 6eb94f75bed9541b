/**
 * One IPMSG datagram, both ways: `version:packetNo:user:host:command:extra`. The five header
 * fields are text; `extra` is bytes and may hold NULs: for SENDMSG the message then (with
 * FILEATTACHOPT) the attachments, for BR_ENTRY/ANSENTRY the nickname then the group name, for
 * RECVMSG/READMSG the packet number answered. Text is GBK (the Chinese Windows code page FeiQ and
 * the course use) unless the command carries UTF8OPT. Splitting on the byte ':' is safe in GBK:
 * its second bytes are 0x40–0xFE, never 0x3A.
 *
 * `parseIpmsg` never throws: a datagram that is not IPMSG gets a reason saying what is wrong.
 */
import { decodeGbk, encodeGbk } from '../encoding/gbk.js';
import { decodeUtf8, encodeUtf8 } from '../encoding/utf8.js';
import { describeCommand, flagNames, IPMSG, isEntryMode, modeName, modeOf, OPT, optionsOf } from './ipmsg-commands.js';

/** Text encoding of a packet's fields. */
export type IpmsgEncoding = 'gbk' | 'utf-8';

/** A decoded IPMSG packet. */
export interface IpmsgPacket {
  /** `1` for IPMSG; FeiQ writes its own form, e.g. `1_lbt6_0#128#…`. */
  version: string;
  /** Decimal digits, kept as text (FeiQ's can exceed 2^53). */
  packetNo: string;
  user: string;
  host: string;
  command: number;
  mode: number;
  /** `SENDMSG`; undefined for a mode ipmsg.h does not define. */
  modeName: string | undefined;
  options: number;
  /** Flag names for this mode (see ipmsg-commands). */
  flags: string[];
  /** `SENDMSG | SENDCHECKOPT`. */
  commandText: string;
  encoding: IpmsgEncoding;
  /** The extra section split at NULs and decoded (a trailing NUL gives no empty last part). */
  parts: string[];
  /** The raw extra bytes. */
  extra: Uint8Array;
  /** The first part: the message of SENDMSG, the nickname of BR_ENTRY/ANSENTRY, the packet number of RECVMSG. */
  text: string;
  /** The second part of a member-recognition command: the group name. */
  group?: string;
  /** The version field has FeiQ's `_lbt` mark. */
  feiq: boolean;
}

/** Why a datagram is not an IPMSG packet. */
export type IpmsgErrorCode = 'empty' | 'fields' | 'version' | 'packet-number' | 'command' | 'header-nul';

/** A datagram that is not IPMSG: the code and an English sentence that says what is wrong. */
export interface IpmsgError {
  code: IpmsgErrorCode;
  message: string;
  /** The header fields that were found (for showing what came). */
  fields: string[];
}

/** The outcome of {@link parseIpmsg}. */
export type IpmsgParse = { ok: true; packet: IpmsgPacket } | { ok: false; error: IpmsgError };

const COLON = 0x3a;
const NUL = 0;
const MAX_COMMAND = 0xffffffff;

/** Text of `bytes` in `encoding`; malformed sequences become U+FFFD. */
export function decodeIpmsgText(bytes: Uint8Array, encoding: IpmsgEncoding): string {
  return encoding === 'utf-8' ? decodeUtf8(bytes) : decodeGbk(bytes);
}

function splitAt(bytes: Uint8Array, byte: number, max: number): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length && parts.length < max - 1; i++) {
    if (bytes[i] === byte) {
      parts.push(bytes.subarray(start, i));
      start = i + 1;
    }
  }
  parts.push(bytes.subarray(start));
  return parts;
}

/** The packet in `datagram`, or why it is not one. */
export function parseIpmsg(datagram: Uint8Array): IpmsgParse {
  const fail = (code: IpmsgErrorCode, message: string, fields: string[] = []): IpmsgParse => ({ ok: false, error: { code, message, fields } });
  if (datagram.length === 0) return fail('empty', 'empty datagram: an IPMSG packet is version:packetNo:user:host:command:extra');
  const raw = splitAt(datagram, COLON, 6);
  // The command decides the encoding, so the command field is read first (it is ASCII digits).
  const commandText = raw.length >= 5 ? decodeGbk(raw[4]!) : '';
  const command = /^\d{1,10}$/.test(commandText) ? Number(commandText) : NaN;
  const encoding: IpmsgEncoding = command <= MAX_COMMAND && command & OPT.UTF8OPT ? 'utf-8' : 'gbk';
  const fields = raw.slice(0, 5).map((b) => decodeIpmsgText(b, encoding));
  if (raw.length < 5) {
    return fail('fields', `only ${raw.length} of the fields version:packetNo:user:host:command (${raw.length - 1} ':' found, at least 4 needed)`, fields);
  }
  const [version, packetNo, user, host] = fields as [string, string, string, string];
  if (raw.slice(0, 5).some((b) => b.includes(NUL))) return fail('header-nul', 'a NUL byte inside the header fields (only the extra section after the fifth \':\' may hold NULs)', fields);
  if (!/^\d/.test(version)) return fail('version', `version "${version}" does not start with a digit (IPMSG sends 1; FeiQ 1_lbt…)`, fields);
  if (!/^\d{1,20}$/.test(packetNo)) return fail('packet-number', `packet number "${packetNo}" is not a decimal number`, fields);
  if (!/^\d{1,10}$/.test(commandText) || command > MAX_COMMAND) return fail('command', `command "${commandText}" is not a decimal number 0–4294967295 (mode | flags, e.g. 288 = SENDMSG | SENDCHECKOPT)`, fields);

  const extra = raw[5] ?? new Uint8Array(0);
  const pieces = splitAt(extra, NUL, Infinity);
  if (pieces.length > 1 && pieces[pieces.length - 1]!.length === 0) pieces.pop();
  const parts = pieces.map((b) => decodeIpmsgText(b, encoding));
  const mode = modeOf(command);
  return {
    ok: true,
    packet: {
      version,
      packetNo,
      user,
      host,
      command,
      mode,
      modeName: modeName(mode),
      options: optionsOf(command),
      flags: flagNames(command),
      commandText: describeCommand(command),
      encoding,
      parts,
      extra,
      text: parts[0] ?? '',
      ...(isEntryMode(mode) && parts.length > 1 && { group: parts[1] }),
      feiq: version.includes('_lbt'),
    },
  };
}

/** What {@link buildIpmsg} writes. */
export interface IpmsgOutgoing {
  version?: string;
  packetNo: number | string;
  user: string;
  host: string;
  command: number;
  /** The extra section's parts, joined with NULs (a NUL also ends the last when there are several, as IPMSG writes them). */
  parts?: readonly string[];
}

/** Text fields must not hold the separator or a NUL. */
function checkField(name: string, value: string): void {
  if (/[:\0]/.test(value)) throw new RangeError(`${name} "${value}" may not contain ':' or NUL: they separate the fields`);
}

/**
 * The datagram's bytes, in GBK unless the command has UTF8OPT. Throws RangeError for a field with
 * ':' or NUL, and EncodingError for a character GBK cannot encode.
 */
export function buildIpmsg(p: IpmsgOutgoing): Uint8Array {
  const version = p.version ?? '1';
  checkField('version', version);
  checkField('user', p.user);
  checkField('host', p.host);
  if (!/^\d{1,20}$/.test(String(p.packetNo))) throw new RangeError(`packet number "${p.packetNo}" is not a decimal number`);
  if (!Number.isInteger(p.command) || p.command < 0 || p.command > MAX_COMMAND) throw new RangeError(`command ${p.command} is not 0–4294967295`);
  const parts = p.parts ?? [];
  const extra = parts.length > 1 ? parts.map((s) => s + '\0').join('') : (parts[0] ?? '');
  const text = `${version}:${p.packetNo}:${p.user}:${p.host}:${p.command}:${extra}`;
  return p.command & OPT.UTF8OPT ? encodeUtf8(text) : encodeGbk(text);
}

/** Who this side is on the LAN: what its answers carry. */
export interface IpmsgSelf {
  user: string;
  host: string;
  nickname: string;
  group: string;
}

/** The automatic answer to `packet`, as FeiQ and IPMSG give it, or null when none is due. */
export function answerFor(packet: IpmsgPacket, self: IpmsgSelf, packetNo: number | string): IpmsgOutgoing | null {
  const base = { packetNo, user: self.user, host: self.host };
  // SENDCHECKOPT asks for a receipt: RECVMSG with the message's packet number. A broadcast or an
  // automatic reply (NO_REPLY_OPTS) is never answered, so two auto-replies cannot ping-pong.
  if (packet.mode === IPMSG.SENDMSG && packet.options & OPT.SENDCHECKOPT && !(packet.options & (OPT.BROADCASTOPT | OPT.AUTORETOPT))) {
    return { ...base, command: IPMSG.RECVMSG, parts: [packet.packetNo] };
  }
  // A newcomer's entry broadcast is answered with our own entry, so it can list us.
  if (packet.mode === IPMSG.BR_ENTRY) return { ...base, command: IPMSG.ANSENTRY, parts: [self.nickname, self.group] };
  return null;
}
