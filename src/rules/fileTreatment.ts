import { matchesPathOrAncestor } from '../core/glob';

// attackLens.files: which files are rule files and how each is treated, by glob. The pure part
// of the workspace's rule-file selection, shared by the extension and the CLI's `check --settings`.

export type FileTreatment = 'auto' | 'sigma' | 'splunk' | 'elastic' | 'sentinel' | 'yaral' | 'generic' | 'off';

export const FILE_TREATMENTS: readonly FileTreatment[] = ['auto', 'sigma', 'splunk', 'elastic', 'sentinel', 'yaral', 'generic', 'off'];

export const DEFAULT_FILES: Readonly<Record<string, FileTreatment>> = {
  '**/*.{yml,yaml}': 'auto',
  '**/*.toml': 'auto',
  '**/*.{yaral,yara-l,yaraL,yl2}': 'yaral',
};

export interface FileTreatmentSelection {
  /** glob → treatment, as configured (the default when the setting is empty). */
  readonly files: Readonly<Record<string, FileTreatment>>;
  /** Globs of files and folders left out. */
  readonly exclude: readonly string[];
}

/**
 * How a file is treated, or undefined when no glob selects it or it is excluded. `off` wins
 * over everything; an explicit format wins over `auto`; otherwise the first matching glob.
 */
export function treatmentOf(selection: FileTreatmentSelection, relativePath: string): Exclude<FileTreatment, 'off'> | undefined {
  if (selection.exclude.some((g) => matchesPathOrAncestor(g, relativePath))) return undefined;
  let found: FileTreatment | undefined;
  for (const [glob, treatment] of Object.entries(selection.files)) {
    if (!matchesPathOrAncestor(glob, relativePath)) continue;
    if (treatment === 'off') return undefined;
    if (!found || (found === 'auto' && treatment !== 'auto')) found = treatment;
  }
  return found === 'off' ? undefined : found;
}
