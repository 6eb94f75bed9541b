/**
 * IPMSG (IP Messenger; FeiQ/飞秋 speaks it too) command numbers, from the protocol's ipmsg.h.
 * A command is 32 bits: the low byte is the mode (what the packet is), the high 24 bits are
 * option flags. Some flag bits mean different things for different modes: 0x100 is ABSENCEOPT on
 * the member-recognition commands (BR_ENTRY, ANSENTRY, BR_ABSENCE) and SENDCHECKOPT on SENDMSG;
 * 0x200 is SERVEROPT there and SECRETOPT here.
 */

/** UDP (and TCP, for files) port of IPMSG and FeiQ. */
export const IPMSG_PORT = 2425;

/** Modes (the command's low 8 bits). */
export const IPMSG = {
  NOOPERATION: 0x00,
  BR_ENTRY: 0x01,
  BR_EXIT: 0x02,
  ANSENTRY: 0x03,
  BR_ABSENCE: 0x04,
  BR_ISGETLIST: 0x10,
  OKGETLIST: 0x11,
  GETLIST: 0x12,
  ANSLIST: 0x13,
  BR_ISGETLIST2: 0x18,
  SENDMSG: 0x20,
  RECVMSG: 0x21,
  READMSG: 0x30,
  DELMSG: 0x31,
  ANSREADMSG: 0x32,
  GETINFO: 0x40,
  SENDINFO: 0x41,
  GETABSENCEINFO: 0x50,
  SENDABSENCEINFO: 0x51,
  GETFILEDATA: 0x60,
  RELEASEFILES: 0x61,
  GETDIRFILES: 0x62,
  GETPUBKEY: 0x72,
  ANSPUBKEY: 0x73,
} as const;

/** Option flags (the command's high 24 bits). */
export const OPT = {
  // Member recognition (BR_ENTRY, ANSENTRY, BR_ABSENCE, BR_EXIT).
  ABSENCEOPT: 0x100,
  SERVEROPT: 0x200,
  DIALUPOPT: 0x10000,
  // Sending (SENDMSG and its answers).
  SENDCHECKOPT: 0x100,
  SECRETOPT: 0x200,
  BROADCASTOPT: 0x400,
  MULTICASTOPT: 0x800,
  NOPOPUPOPT: 0x1000,
  AUTORETOPT: 0x2000,
  RETRYOPT: 0x4000,
  PASSWORDOPT: 0x8000,
  NOLOGOPT: 0x20000,
  NEWMULTIOPT: 0x40000,
  NOADDLISTOPT: 0x80000,
  READCHECKOPT: 0x100000,
  // Any command.
  FILEATTACHOPT: 0x200000,
  ENCRYPTOPT: 0x400000,
  UTF8OPT: 0x800000,
  CAPUTF8OPT: 0x1000000,
  ENCEXTMSGOPT: 0x4000000,
  CLIPBOARDOPT: 0x8000000,
} as const;

/** Flags that tell the receiver not to answer (IPMSG_NO_REPLY_OPTS): no RECVMSG for these. */
export const NO_REPLY_OPTS = OPT.BROADCASTOPT | OPT.AUTORETOPT;

const MODE_NAMES = new Map<number, string>(Object.entries(IPMSG).map(([name, value]) => [value, name]));
const ENTRY_MODES = new Set<number>([IPMSG.BR_ENTRY, IPMSG.BR_EXIT, IPMSG.ANSENTRY, IPMSG.BR_ABSENCE]);

type OptName = keyof typeof OPT;
const ENTRY_FLAGS: OptName[] = ['ABSENCEOPT', 'SERVEROPT', 'DIALUPOPT'];
const SEND_FLAGS: OptName[] = ['SENDCHECKOPT', 'SECRETOPT', 'BROADCASTOPT', 'MULTICASTOPT', 'NOPOPUPOPT', 'AUTORETOPT', 'RETRYOPT', 'PASSWORDOPT', 'NOLOGOPT', 'NEWMULTIOPT', 'NOADDLISTOPT', 'READCHECKOPT'];
const COMMON_FLAGS: OptName[] = ['FILEATTACHOPT', 'ENCRYPTOPT', 'UTF8OPT', 'CAPUTF8OPT', 'ENCEXTMSGOPT', 'CLIPBOARDOPT'];

/** The mode: the command's low byte. */
export const modeOf = (command: number): number => command & 0xff;
/** The option flags: the command's high 24 bits. */
export const optionsOf = (command: number): number => (command & ~0xff) >>> 0;
/** Whether `mode` is one of the member-recognition commands (their 0x100/0x200 bits are ABSENCEOPT/SERVEROPT). */
export const isEntryMode = (mode: number): boolean => ENTRY_MODES.has(mode);

/** `SENDMSG`, or undefined for a mode the protocol does not define. */
export function modeName(mode: number): string | undefined {
  return MODE_NAMES.get(mode & 0xff);
}

/**
 * The names of the flags set in `command`, read for its mode; bits no flag names come last as
 * hex (`0x40000000`).
 */
export function flagNames(command: number): string[] {
  const mode = modeOf(command);
  let left = optionsOf(command);
  const names: string[] = [];
  for (const name of [...(isEntryMode(mode) ? ENTRY_FLAGS : SEND_FLAGS), ...COMMON_FLAGS]) {
    const bit = OPT[name];
    if (left & bit) {
      names.push(name);
      left = (left & ~bit) >>> 0;
    }
  }
  for (let bit = 0x100; bit <= 0x80000000 && left; bit *= 2) {
    if (left & bit) {
      names.push(`0x${bit.toString(16)}`);
      left = (left & ~bit) >>> 0;
    }
  }
  return names;
}

/** `SENDMSG | SENDCHECKOPT` (or `0x5a | …` for an undefined mode): the command as ipmsg.h spells it. */
export function describeCommand(command: number): string {
  const mode = modeOf(command);
  return [modeName(mode) ?? `0x${mode.toString(16).padStart(2, '0')}`, ...flagNames(command)].join(' | ');
}
