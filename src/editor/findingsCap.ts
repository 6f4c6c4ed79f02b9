// The caps on what reaches the Problems panel, without vscode so the unit tests hold them to their
// word: per file, at most MAX_DIAGNOSTICS_PER_FILE findings, the most severe first, and a note
// saying how many more (VS Code keeps 1,000 of a file's diagnostics, but only once they are built
// and sent: a hostile file has tens of thousands, and sending them stalls the host); per workspace (attackLens.diagnostics.scope "workspace"), files in the order given,
// the first `cap` that show something are published, the others with findings are only counted.

import type { Finding } from '../checks/findings';
import type { Severity } from '../config';

/** @internal Exported for the unit test of the cap. */
export const MAX_DIAGNOSTICS_PER_FILE = 500;
const RANK: Record<Exclude<Severity, 'off'>, number> = { error: 0, warning: 1, information: 2, hint: 3 };

export interface ShownFinding {
  readonly finding: Finding;
  readonly severity: Exclude<Severity, 'off'>;
}

type SeverityOf = (code: string, fallback: Finding['defaultSeverity']) => Severity;

/** A finding's severity under the settings, each code and default asked of `severityOf` once (each ask walks the configuration). */
export function severityPerCode(severityOf: SeverityOf): (f: Finding) => Severity {
  const known = new Map<string, Severity>();
  return (f) => {
    const key = `${f.code}\0${f.defaultSeverity}`;
    let severity = known.get(key);
    if (severity === undefined) known.set(key, (severity = severityOf(f.code, f.defaultSeverity)));
    return severity;
  };
}

/**
 * A file's findings under its severity settings: those not turned off, at most `cap` of them,
 * the most severe first and each severity in the file's order; `total` counts all not turned off.
 * `severityOf` is asked once per code and default severity, not per finding (each ask walks the
 * configuration).
 */
export function findingsToShow(findings: readonly Finding[], severityOf: SeverityOf, cap = MAX_DIAGNOSTICS_PER_FILE): { readonly shown: readonly ShownFinding[]; readonly total: number } {
  const severity = severityPerCode(severityOf);
  const on: ShownFinding[] = [];
  for (const f of findings) {
    const s = severity(f);
    if (s !== 'off') on.push({ finding: f, severity: s });
  }
  if (on.length <= cap) return { shown: on, total: on.length };
  // Array.prototype.sort is stable: each severity keeps the file's order.
  return { shown: [...on].sort((a, b) => RANK[a.severity] - RANK[b.severity]).slice(0, cap), total: on.length };
}

export interface CappedPublish<T> {
  /** The files published, in order. */
  readonly published: readonly T[];
  /** Files with findings left out by the cap. */
  readonly leftOut: number;
}

/**
 * `pause`, when given, is awaited after each file published and may stop the run (false): a
 * workspace of thousands of findings is published a slice at a time, not in one turn.
 */
export async function publishCapped<T>(files: readonly T[], cap: number, hasFindings: (file: T) => boolean, publish: (file: T) => boolean, pause?: () => Promise<boolean>): Promise<CappedPublish<T> | undefined> {
  const published: T[] = [];
  let leftOut = 0;
  for (const file of files) {
    if (!hasFindings(file)) continue;
    if (published.length >= cap) leftOut++;
    else {
      if (publish(file)) published.push(file);
      if (pause && !(await pause())) return undefined;
    }
  }
  return { published, leftOut };
}
