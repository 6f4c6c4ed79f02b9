import { AttackIndex } from '../attack/index';
import { parentOf, tacticShortname } from '../attack/ids';
import { editDistance } from './spelling';
import { typoDistance } from './suggestions';

// References the loaded ATT&CK data does not know but that read as entries of a newer release,
// not as typos. ATT&CK numbers each kind upward, across all domains, and never reuses an ID; when
// a series of a thousand is closed it opens a new one (G0xxx then G1xxx, software's S9xxx), and
// only the newest series grows. So:
// - an ID is newer when it lies above the highest ID of its kind in the loaded data (all domains
//   together, deprecated and revoked entries included) by at most that kind's window, or opens a
//   series above the highest one near its start (S9001 when the data stops at S1249);
// - a sub-technique is newer when its parent is newer, or when its parent is known and its
//   number is above the parent's highest sub-technique by at most SUB_WINDOW;
// - everything else unknown is a typo: malformed or out-of-pattern text, an unknown ID at or below
//   the highest of its kind (one digit off a known one, a gap, an old series), or one too far
//   above it (T1999 when the data stops at T1681, T9999).
// A tactic name is newer when the data knows no tactic of that shortname (in any domain: its
// tactics, deprecated ones included, and the tactics its techniques name, revoked ones included,
// which keep the tactic a release renamed), no known shortname is within typo distance of it
// (`defence-evasion` is a typo of `defense-evasion`; the distance the tactic fixes use), no other
// entry has that name (`attack.powershell` names a technique, not a tactic), and it is shaped like
// a shortname: one to four hyphenated words of letters.

/**
 * How far above the highest known ID of a kind a newer release's IDs plausibly reach: a release
 * adds a few dozen at most. Tactic IDs are shared by the domains and few, so theirs is wide: data
 * without ICS (whose tactics are TA01xx) still reads TA0112 as newer.
 */
const WINDOW: Readonly<Record<string, number>> = { T: 100, TA: 100, G: 50, S: 50, C: 50, M: 50, DET: 200, AN: 500, DC: 50 };
const SUB_WINDOW = 5;

const ID_PARTS = /^(TA|T|G|S|C|M|DET|AN|DC)(\d{4})(?:\.(\d{3}))?$/;
const SHORTNAME_SHAPE = /^[a-z]{2,}(?:-[a-z]{2,}){0,3}$/;

interface Highest {
  /** `T` → 1681: the highest number of each kind. */
  readonly ids: ReadonlyMap<string, number>;
  /** Parent technique → its highest sub-technique number. */
  readonly subs: ReadonlyMap<string, number>;
  readonly tacticShortnames: ReadonlySet<string>;
  /** Tactic text → whether it reads as newer: a workspace repeats the same few thousand times. */
  readonly tacticNames: Map<string, boolean>;
}

const cache = new WeakMap<AttackIndex, Highest>();

function highest(index: AttackIndex): Highest {
  let h = cache.get(index);
  if (h) return h;
  const ids = new Map<string, number>();
  const subs = new Map<string, number>();
  const tacticShortnames = new Set<string>();
  for (const e of index.entries()) {
    if (e.kind === 'tactic') tacticShortnames.add(e.shortname);
    if (e.kind === 'technique') for (const t of e.tactics) tacticShortnames.add(t);
    const m = ID_PARTS.exec(e.id);
    if (!m) continue;
    const [, prefix, number, sub] = m;
    if (sub) subs.set(prefix + number, Math.max(subs.get(prefix + number) ?? 0, Number(sub)));
    else ids.set(prefix, Math.max(ids.get(prefix) ?? -1, Number(number)));
  }
  for (const d of index.domains) for (const t of d.tactics) tacticShortnames.add(t.shortname);
  cache.set(index, (h = { ids, subs, tacticShortnames, tacticNames: new Map() }));
  return h;
}

/** Whether a canonical ID the loaded data does not know reads as one a newer ATT&CK release added (the rules above). False for known IDs. */
export function isNewerId(index: AttackIndex, id: string): boolean {
  if (index.get(id)) return false;
  const m = ID_PARTS.exec(id);
  if (!m) return false;
  const [, prefix, number, sub] = m;
  const h = highest(index);
  if (sub) {
    const parent = parentOf(id)!;
    if (!index.get(parent)) return isNewerId(index, parent);
    const top = h.subs.get(parent) ?? 0;
    return Number(sub) > top && Number(sub) <= top + SUB_WINDOW;
  }
  const top = h.ids.get(prefix);
  if (top === undefined) return false;
  const n = Number(number);
  const window = WINDOW[prefix];
  if (n > top && n <= top + window) return true;
  // A new series of a thousand above the highest one, near its start.
  return Math.floor(n / 1000) > Math.floor(top / 1000) && n % 1000 >= 1 && n % 1000 <= window;
}

/** Whether a tactic, as written in any format's spelling (`stealth`, `Defense Impairment`, `DefenseImpairment`), reads as one a newer release added. */
export function isNewerTacticName(index: AttackIndex, text: string): boolean {
  const memo = highest(index).tacticNames;
  let newer = memo.get(text);
  if (newer === undefined) {
    if (memo.size >= MAX_MEMO) memo.clear();
    memo.set(text, (newer = readsAsNewerTactic(index, text)));
  }
  return newer;
}

const MAX_MEMO = 10_000;

function readsAsNewerTactic(index: AttackIndex, text: string): boolean {
  const written = text.replace(/^attack\./i, '');
  const shortname = tacticShortname(written);
  if (shortname.length < 5 || !SHORTNAME_SHAPE.test(shortname)) return false;
  const known = highest(index).tacticShortnames;
  if (known.has(shortname) || index.byExactName(written).length || index.byExactName(shortname.replace(/-/g, ' ')).length) return false;
  const limit = typoDistance(shortname);
  for (const k of known) if (editDistance(shortname, k, limit) <= limit) return false;
  return true;
}

/** "212 references look newer than the loaded ATT&CK v18.1": the CLI summary, the notification and the status bar say it alike. */
export function newerThanDataPhrase(count: number, versionLabel: string): string {
  return `${count} reference${count === 1 ? ' looks' : 's look'} newer than the loaded ${versionLabel}`;
}
