import { AttackIndex } from './index';

// Which available ATT&CK release a workspace's rules follow: the IDs they name, counted against a
// release's data as fitting (an active entry) or not (revoked, deprecated or unknown there). When
// the loaded release clearly fits worse than another one, the extension suggests pinning that one
// (src/data/versionSuggestion.ts). No vscode.

/** The distinct IDs a workspace's rules name, as written (canonical), revoked and unknown ones included. */
export type NamedIds = ReadonlySet<string>;

/** How many of the named IDs a release does not have as active entries. */
export function misfitCount(index: AttackIndex, named: NamedIds): number {
  let n = 0;
  for (const id of named) {
    const e = index.get(id);
    if (!e || !index.isActive(e)) n++;
  }
  return n;
}

export interface VersionFit {
  readonly version: string;
  /** Named IDs the release lacks or has revoked or deprecated. */
  readonly misfits: number;
}

/** Fewest misfits in the loaded release that count as "many": below this nothing is suggested. */
const MIN_MISFITS = 10;

/**
 * The release to suggest, or undefined: the loaded one must miss many of the named IDs (at least
 * MIN_MISFITS and a twentieth of them) and the best other one at most half as many.
 * `loaded.misfits` is where references classed "newer than the data" (another classification of
 * unknown IDs) add in, when a caller counts them apart from the unknown ones.
 */
export function suggestVersion(loaded: VersionFit, others: readonly VersionFit[], named: number): VersionFit | undefined {
  if (loaded.misfits < Math.max(MIN_MISFITS, named / 20)) return undefined;
  const best = others.filter((o) => o.version !== loaded.version).reduce<VersionFit | undefined>((a, b) => (!a || b.misfits < a.misfits ? b : a), undefined);
  return best && best.misfits * 2 <= loaded.misfits ? best : undefined;
}

/** What namedIds reads from the coverage model. */
interface NamedReferences {
  readonly revoked: readonly { readonly id: string; readonly replacement?: string }[];
  readonly unknown: ReadonlyMap<string, unknown>;
  referencedTechniques(): readonly string[];
}

/**
 * The IDs the rules name: the techniques they count for, except replacements reached only through
 * a revoked ID (the revoked ID is what they name), plus the revoked and the unknown ones.
 */
export function namedIds(model: NamedReferences): Set<string> {
  const replacements = new Set(model.revoked.map((r) => r.replacement));
  const named = new Set(model.referencedTechniques().filter((id) => !replacements.has(id)));
  for (const r of model.revoked) named.add(r.id);
  for (const key of model.unknown.keys()) named.add(key);
  return named;
}
