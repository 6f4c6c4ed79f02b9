import { RuleFormat } from './types';

// Which rule format a file is, from its extension and a look at its content. Works on a
// prefix of the text too (the editor passes the first few KB). Undefined when the file is
// not a detection rule of any known format.

const TOML_RULE = /^\s*\[(?:rule|\[rule\.threat\]|rule\.threat\.tactic|metadata)\]\s*(?:#.*)?$/m;
const YARAL_RULE = /^\s*rule\s+[A-Za-z_][\w]*\s*\{/m;
const YARAL_SECTION = /^\s*(?:meta|events|condition)\s*:/m;

export function detectRuleFormat(text: string, path: string): RuleFormat | undefined {
  const ext = extensionOf(path);
  if (ext === 'yaral' || ext === 'yl2') return 'yaral';
  if (ext === 'toml') return TOML_RULE.test(text) ? 'elastic' : undefined;
  if (ext === 'yml' || ext === 'yaml' || ext === '') {
    const yaml = yamlFormat(text);
    if (yaml || ext !== '') return yaml;
  }
  if (YARAL_RULE.test(text) && YARAL_SECTION.test(text)) return 'yaral';
  if (ext === '' && /^\s*\[rule\]\s*$/m.test(text) && /^\s*(?:rule_id|name)\s*=/m.test(text)) return 'elastic';
  return undefined;
}

function extensionOf(path: string): string {
  const name = path.split(/[\\/]/).pop() ?? '';
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
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
