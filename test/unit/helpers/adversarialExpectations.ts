import { MAX_REFERENCES_PER_FILE, MAX_RULES_PER_FILE } from '../../../src/rules/limits';
import { AdversarialFile } from './adversarialCorpus';

// What a generated hostile file must parse to, read off its text (never off a parser), for the
// classes where the text alone says it: how many rules, references and problems. A count left
// out is not implied by the text (the parser may reasonably refuse or accept the input).

export interface ExpectedCounts {
  readonly rules?: number;
  readonly references?: number;
  readonly problems?: number;
  /** The text goes over a per-file cap (src/rules/limits.ts): one problem must say the file was read in part. */
  readonly partial?: boolean;
}

const occurrences = (text: string, needle: string) => text.split(needle).length - 1;

/** References in a file whose body repeats the tag shape of its format (the head's tags included). */
function tagReferences(file: AdversarialFile): number | undefined {
  switch (file.format) {
    case 'sigma':
      return occurrences(file.text, '    - attack.');
    case 'splunk':
      return occurrences(file.text, '  - T');
    // The head lists one tactic ("  - Execution") before its techniques.
    case 'sentinel':
      return occurrences(file.text, '  - T') + 1;
    // Each threat entry names a technique and a tactic, both as `id = "…"`.
    case 'elastic':
      return occurrences(file.text, '\nid = "');
    default:
      return undefined;
  }
}

/**
 * The counts the text implies, after the per-file caps: past a cap the parser reads exactly the
 * cap and adds one problem saying so (what else it reports past the cut is not implied). Elastic
 * threat blocks are three tables for two references, so its table cap comes first: its reference
 * count is only implied under the caps.
 */
export function expectedCounts(file: AdversarialFile): ExpectedCounts {
  const raw = uncappedCounts(file);
  const rulesOver = raw.rules !== undefined && raw.rules > MAX_RULES_PER_FILE;
  const refsOver = raw.references !== undefined && raw.references > MAX_REFERENCES_PER_FILE;
  if (!rulesOver && !refsOver) return raw;
  return {
    rules: rulesOver ? MAX_RULES_PER_FILE : raw.rules,
    references: file.format === 'elastic' ? undefined : refsOver ? MAX_REFERENCES_PER_FILE : rulesOver ? undefined : raw.references,
    partial: true,
  };
}

function uncappedCounts(file: AdversarialFile): ExpectedCounts {
  const yaml = file.format === 'sigma' || file.format === 'splunk' || file.format === 'sentinel';
  switch (file.inputClass) {
    case 'blank-lines':
      return { rules: 1, problems: 0 };
    case 'many-headers':
      if (yaml) return { rules: occurrences(file.text, '---\n'), problems: 0 };
      // Every header is a rule, none closed: one problem each.
      if (file.format === 'yaral') return { rules: occurrences(file.text, 'rule r'), problems: occurrences(file.text, 'rule r') };
      return { rules: 1 };
    case 'many-keys':
      return file.format === 'generic' ? {} : { rules: 1 };
    case 'repeated-tags':
      return { rules: file.format === 'generic' ? undefined : 1, references: tagReferences(file) };
    case 'revoked-tags':
      // YARA-L: one rule per block, each naming a tactic and a technique.
      if (file.format === 'yaral') return { rules: occurrences(file.text, 'rule r'), references: 2 * occurrences(file.text, 'rule r') };
      return { rules: 1, references: tagReferences(file) };
    default:
      return {};
  }
}
