import { RuleFormat } from './types';

// Which rule format a file is, from its extension and a look at its content. Works on a
// prefix of the text too (the editor passes the first few KB). Undefined when the file is
// not a detection rule of any known format.

// Line-anchored patterns allow only horizontal space (`[^\S\r\n]`, not `\s`) at the start: with
// the `m` flag, `^\s*` restarts at every line of a run of blank lines and rescans the rest of
// the run, so a file of blank lines took quadratic time (100 KB: 5.7 s).
const TOML_RULE = /^[^\S\r\n]*\[(?:rule|\[rule\.threat\]|rule\.threat\.tactic|metadata)\][^\S\r\n]*(?:#.*)?$/m;
const YARAL_RULE = /^[^\S\r\n]*rule\s+[A-Za-z_][\w]*\s*\{/m;
const YARAL_SECTION = /^[^\S\r\n]*(?:meta|events|condition)[^\S\r\n]*:/m;
const ELASTIC_RULE_TABLE = /^[^\S\r\n]*\[rule\][^\S\r\n]*$/m;
const ELASTIC_RULE_KEY = /^[^\S\r\n]*(?:rule_id|name)[^\S\r\n]*=/m;

export function detectRuleFormat(text: string, path: string): RuleFormat | undefined {
  const ext = extensionOf(path);
  if (ext === 'yaral' || ext === 'yl2') return 'yaral';
  if (ext === 'toml') return TOML_RULE.test(text) ? 'elastic' : undefined;
  if (ext === 'yml' || ext === 'yaml' || ext === '') {
    const yaml = yamlFormat(text);
    if (yaml || ext !== '') return yaml;
  }
  if (YARAL_RULE.test(text) && YARAL_SECTION.test(text)) return 'yaral';
  if (ext === '' && ELASTIC_RULE_TABLE.test(text) && ELASTIC_RULE_KEY.test(text)) return 'elastic';
  return undefined;
}

function extensionOf(path: string): string {
  const start = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1;
  const dot = path.lastIndexOf('.');
  return dot > start ? path.slice(dot + 1).toLowerCase() : '';
}

const keyPatterns = new Map<string, RegExp>();

/** A top-level YAML key (at column 0), quoted or not. */
function hasKey(text: string, key: string): boolean {
  let re = keyPatterns.get(key);
  if (!re) keyPatterns.set(key, (re = new RegExp(`^['"]?${key}['"]?[ \\t]*:`, 'm')));
  return re.test(text);
}

const SPLUNK_ATTACK_IDS = /^[ \t]+mitre_attack_id[ \t]*:/m;

function yamlFormat(text: string): RuleFormat | undefined {
  // Sigma first: by far the most common, and neither Splunk nor Sentinel rules have `title:`.
  if (hasKey(text, 'title') && (hasKey(text, 'detection') || hasKey(text, 'logsource') || hasKey(text, 'correlation'))) return 'sigma';
  if (hasKey(text, 'correlation') && hasKey(text, 'rules')) return 'sigma';
  if (hasKey(text, 'relevantTechniques') || (hasKey(text, 'tactics') && (hasKey(text, 'query') || hasKey(text, 'queryFrequency')))) return 'sentinel';
  if (hasKey(text, 'search') && hasKey(text, 'name') && (SPLUNK_ATTACK_IDS.test(text) || hasKey(text, 'how_to_implement') || hasKey(text, 'analytic_story') || hasKey(text, 'known_false_positives'))) return 'splunk';
  if (hasKey(text, 'queryFrequency') && hasKey(text, 'query') && hasKey(text, 'severity')) return 'sentinel';
  return undefined;
}
