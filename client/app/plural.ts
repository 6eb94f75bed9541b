/**
 * Counted nouns in the UI language: "1 line" / "2 lines", "1 byte" / "2 bytes" in English
 * (issue 12, defect 10); Chinese has one form, so both ids carry the same template there.
 */
import { msg, str } from './i18n.js';

/** "1 line" / "n lines". */
export const lineCount = (n: number) => (n === 1 ? msg(str`${n} line`, { id: 'log.countOne' }) : msg(str`${n} lines`, { id: 'log.count' }));

/** "1 byte" / "n bytes". */
export const byteCount = (n: number) => (n === 1 ? msg(str`${n} byte`, { id: 'log.byteOne' }) : msg(str`${n} bytes`, { id: 'log.bytesN' }));
