import { normalizeId } from '../attack/ids';
import { Unreadable } from './types';

// Text that looks like an ATT&CK reference but that no reader takes as written: invisible
// characters, full-width or non-ASCII digits, look-alike letters, a stray space or trailing
// dot. The parsers use this to keep such text as a reference marked unreadable (with the
// repaired text when one exists) instead of dropping it; the checks turn the mark into a
// finding with a fix, the coverage model into a note.

export interface TextRepair {
  readonly text: string;
  /** What was wrong, for the message: `a zero-width character (U+200B)`, `a trailing "."`. */
  readonly reasons: readonly string[];
  /** False when a guess was involved (a look-alike letter, a space): the fix is offered, not preferred. */
  readonly certain: boolean;
}

// Zero-width and other invisible format characters (soft hyphen, ZWSP…ZWJ, marks, BOM).
const FORMAT_CHARS = /\p{Cf}/gu;
// Format and control characters, and the line and paragraph separators (U+2028, U+2029).
const INVISIBLE = /[\p{Cf}\p{Cc}\p{Zl}\p{Zp}]/gu;
const NON_ASCII_DIGIT = /(?![0-9])\p{Nd}/gu;
const NON_ASCII = /[^\x00-\x7f]/;
const MAX_REFERENCE_CHARS = 200;

/** Cyrillic and Greek letters that look like the Latin letters ATT&CK IDs and tactic names use. */
const LOOK_ALIKES: Readonly<Record<string, string>> = Object.assign(Object.create(null) as Record<string, string>, {
  'А': 'A', 'а': 'a', 'В': 'B', 'С': 'C', 'с': 'c', 'Е': 'E', 'е': 'e', 'Н': 'H', 'І': 'I', 'і': 'i', 'К': 'K', 'к': 'k',
  'М': 'M', 'м': 'm', 'О': 'O', 'о': 'o', 'Р': 'P', 'р': 'p', 'Ѕ': 'S', 'ѕ': 's', 'Т': 'T', 'т': 't', 'Х': 'X', 'х': 'x', 'у': 'y',
  'Α': 'A', 'Β': 'B', 'Ε': 'E', 'Η': 'H', 'Ι': 'I', 'Κ': 'K', 'Μ': 'M', 'Ο': 'O', 'ο': 'o', 'Ρ': 'P', 'Τ': 'T', 'τ': 't', 'Χ': 'X',
});
const LOOK_ALIKE = new RegExp(`[${Object.keys(LOOK_ALIKES).join('')}]`, 'gu');

function codePoint(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

function distinct(matches: Iterable<string>, limit = 3): string[] {
  return [...new Set(matches)].slice(0, limit);
}

/**
 * The ASCII digit for a decimal digit of any script: Unicode lays them out as runs of ten, 0
 * first, some runs back to back (the mathematical digits are five), so the distance to the
 * start of the block of runs, modulo ten, is the digit.
 */
function asciiDigit(c: string): string {
  const cp = c.codePointAt(0)!;
  let k = 0;
  while (k < 100 && /\p{Nd}/u.test(String.fromCodePoint(cp - k - 1))) k++;
  return String(k % 10);
}

/**
 * The text with what keeps it from being read repaired, or undefined when there is nothing
 * to repair. Linear in the text.
 */
export function repairReferenceText(raw: string): TextRepair | undefined {
  const reasons: string[] = [];
  let certain = true;
  let s = raw.trim();
  // References are short; longer text is not one, and the space pattern below is not linear on it.
  if (s.length > MAX_REFERENCE_CHARS) return undefined;
  if (NON_ASCII.test(s)) {
    const invisible = s.match(FORMAT_CHARS);
    if (invisible) {
      reasons.push(`${invisible.length === 1 ? 'a zero-width character' : 'zero-width characters'} (${distinct(invisible).map(codePoint).join(', ')})`);
      s = s.replace(FORMAT_CHARS, '');
    }
    const compat = s.normalize('NFKC');
    if (compat !== s) {
      reasons.push(/[\uff00-\uffef]/.test(s) ? 'full-width characters' : 'compatibility characters');
      s = compat;
    }
    const digits = s.match(NON_ASCII_DIGIT);
    if (digits) {
      reasons.push(`non-ASCII digits (${distinct(digits).join('')})`);
      s = s.replace(NON_ASCII_DIGIT, asciiDigit);
    }
    const alike = s.match(LOOK_ALIKE);
    if (alike) {
      reasons.push(`${alike.length === 1 ? 'a look-alike letter' : 'look-alike letters'} (${distinct(alike).map((c) => `${c} ${codePoint(c)}`).join(', ')})`);
      s = s.replace(LOOK_ALIKE, (c) => LOOK_ALIKES[c]);
      certain = false;
    }
  }
  const spaced = s.replace(/\s*([./_-])\s*/g, '$1').replace(/^([A-Za-z]{1,3})\s+(\d)/, '$1$2');
  if (spaced !== s) {
    reasons.push('a space inside it');
    s = spaced;
    certain = false;
  }
  const trailing = /[.,;:]+$/.exec(s);
  if (trailing && trailing.index > 0) {
    reasons.push(`a trailing "${trailing[0]}"`);
    s = s.slice(0, trailing.index);
  }
  return reasons.length ? { text: s, reasons, certain } : undefined;
}

/** The mark for text that a repair makes readable; `canonical` is the repaired text as the format writes it. */
export function repairedMark(repair: TextRepair, canonical: string): Unreadable {
  return { reason: `it has ${joinReasons(repair.reasons)}`, repaired: canonical, ...(repair.certain ? { certain: true } : {}) };
}

function joinReasons(reasons: readonly string[]): string {
  return reasons.length < 2 ? reasons.join('') : `${reasons.slice(0, -1).join(', ')} and ${reasons[reasons.length - 1]}`;
}

/** Outside text made safe to quote in a message or a terminal: invisible and control characters shown as their code points. */
export function visibleText(text: string): string {
  return text.replace(INVISIBLE, (c) => `<${codePoint(c)}>`);
}

/** Text in a slot that holds only IDs (mitre_attack_id, relevantTechniques, Elastic `id`) that no ID spelling reads. */
export function unreadableId(text: string): Unreadable | undefined {
  if (normalizeId(text, 'any')) return undefined;
  const repair = repairReferenceText(text);
  const id = repair ? normalizeId(repair.text, 'any') : undefined;
  if (repair && id) return repairedMark(repair, id);
  return { reason: 'it is not an ATT&CK ID' };
}

/** A tactic name (Sentinel, YARA-L) that `read` resolves only once repaired; undefined otherwise (an unknown tactic is the checks' business). */
export function unreadableName(text: string, read: (text: string) => string | undefined): Unreadable | undefined {
  if (read(text)) return undefined;
  const repair = repairReferenceText(text);
  return repair && read(repair.text) ? repairedMark(repair, repair.text) : undefined;
}
