/**
 * What the lab calls each of its framings, in one table: the full name the framing menus offer and
 * the short one under the picture's decoded row. Looked up when rendered, so a language switch
 * re-renders them.
 */
import { msg } from '../i18n.js';
import { LAB_FRAMINGS, type LabFramingName } from './stream-model.js';

/** The two labels of one framing. */
export interface FramingLabel {
  /** For the menus: `length prefix struct 'i' (4 bytes, little-endian)`. */
  name: () => string;
  /** Under the decoded row: `with struct 'i'`. */
  short: () => string;
}

/** Labels of every lab framing (the type checker fails when a framing has none). */
export const FRAMING_LABELS: Record<LabFramingName, FramingLabel> = {
  none: {
    name: () => msg('no framing: each recv() taken as one message', { id: 'lab.framing.none' }),
    short: () => msg('no framing', { id: 'lab.framingShort.none' }),
  },
  'length-i': {
    name: () => msg("length prefix struct 'i' (4 bytes, little-endian)", { id: 'lab.framing.length-i' }),
    short: () => msg("with struct 'i'", { id: 'lab.framingShort.length-i' }),
  },
  'length-!I': {
    name: () => msg("length prefix struct '!I' (4 bytes, network order)", { id: 'lab.framing.length-!I' }),
    short: () => msg("with struct '!I'", { id: 'lab.framingShort.length-!I' }),
  },
  newline: {
    name: () => msg('one message per line (\\n)', { id: 'lab.framing.newline' }),
    short: () => msg('by lines (\\n)', { id: 'lab.framingShort.newline' }),
  },
  'json-header': {
    name: () => msg("struct 'i' + JSON header + body", { id: 'lab.framing.json-header' }),
    short: () => msg('with JSON header', { id: 'lab.framingShort.json-header' }),
  },
};

/** The framing names in menu order (the order of {@link LAB_FRAMINGS}). */
export const FRAMING_NAMES = Object.keys(LAB_FRAMINGS) as LabFramingName[];
