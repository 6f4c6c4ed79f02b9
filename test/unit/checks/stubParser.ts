import { AttackReference, DetectionRule, ParsedRuleFile, ReferenceKind, RuleFormat, span, Span } from '../../../src/rules/types';

// Builds ParsedRuleFiles for the check fixtures by line patterns, independent of the real
// parsers: the checks are tested against the contract, the parsers against their own tests.

function at(line: number, text: string, value: string, from = 0): Span {
  const c = text.indexOf(value, from);
  return span(line, c, line, c + value.length);
}

function ref(text: string, kind: ReferenceKind, s: Span, field: string, ruleIndex: number, context?: AttackReference['context']): AttackReference {
  const id = /^(attack\.)?(t\d{4}(\.\d{3})?|ta\d{4}|g\d{4}|s\d{4})$/i.exec(text)?.[2]?.toUpperCase();
  return { text, kind, span: s, field, ruleIndex, ...(id ? { id } : {}), ...(context ? { context } : {}) };
}

function kindOfText(t: string): ReferenceKind {
  if (/^(attack\.)?t\d/i.test(t)) return 'technique';
  if (/^(attack\.)?g\d/i.test(t)) return 'group';
  if (/^(attack\.)?s\d/i.test(t)) return 'software';
  return 'tactic';
}

function rules(groups: AttackReference[][]): DetectionRule[] {
  return groups.map((references, index) => ({ index, title: `rule ${index}`, deprecated: false, span: span(0, 0, 0, 0), platforms: [], references }));
}

export function stubParse(text: string, path: string, format: RuleFormat): ParsedRuleFile {
  const lines = text.split(/\r?\n/);
  const groups: AttackReference[][] = [[]];
  let field = '';
  const elastic: { tactic?: string; technique?: string; block?: 'technique' | 'sub' | 'tactic'; pending: Record<string, { text: string; span: Span; line: number }> } = { pending: {} };
  const flushElastic = () => {
    const p = elastic.pending;
    if (p.id) {
      const kind = elastic.block === 'tactic' ? 'tactic' : 'technique';
      const context = { ...(p.name ? { name: { text: p.name.text, span: p.name.span } } : {}), ...(p.reference ? { reference: { text: p.reference.text, span: p.reference.span } } : {}), ...(elastic.block === 'sub' ? { parentTechniqueId: elastic.technique } : {}) };
      groups[groups.length - 1].push(ref(p.id.text, kind, p.id.span, `threat.${elastic.block}.id`, 0, context));
      if (elastic.block === 'technique') elastic.technique = p.id.text;
    }
    elastic.pending = {};
  };
  lines.forEach((line, n) => {
    if (format === 'elastic') {
      const header = /^\[\[?rule\.threat(\.technique(\.subtechnique)?|\.tactic)?\]\]?/.exec(line);
      if (header) {
        flushElastic();
        elastic.block = header[2] ? 'sub' : header[1] === '.technique' ? 'technique' : header[1] === '.tactic' ? 'tactic' : undefined;
        return;
      }
      const kv = /^(id|name|reference) = "(.*)"/.exec(line);
      if (kv && elastic.block) elastic.pending[kv[1]] = { text: kv[2], span: at(n, line, kv[2], line.indexOf('"')), line: n };
      return;
    }
    if (format === 'yaral') {
      const m = /mitre_attack_(tactic|technique|subtechnique) = "(.*)"/.exec(line);
      if (m) groups[0].push(ref(m[2], m[1] === 'tactic' ? 'tactic' : 'technique', at(n, line, m[2], line.indexOf('"')), `meta.mitre_attack_${m[1]}`, 0));
      return;
    }
    if (line === '---') return void groups.push([]);
    const key = /^\s*([A-Za-z_]+):/.exec(line);
    if (key) field = key[1];
    const flow = /^tags: \[(.*)\]/.exec(line);
    const items = flow ? flow[1].split(',').map((s) => s.trim().replace(/^['"]|['"]$/g, '')) : [/^\s*-\s*['"]?([^'"]+?)['"]?\s*$/.exec(line)?.[1]].filter((s): s is string => !!s);
    for (const item of items) {
      const wanted = format === 'sigma' ? field === 'tags' && /^attack\./i.test(item) : ['mitre_attack_id', 'tactics', 'relevantTechniques'].includes(field);
      if (!wanted) continue;
      const kind = format === 'sentinel' && field === 'tactics' ? 'tactic' : kindOfText(item);
      groups[groups.length - 1].push(ref(item, kind, at(n, line, item), field === 'mitre_attack_id' ? 'tags.mitre_attack_id' : field, groups.length - 1));
    }
  });
  if (format === 'elastic') flushElastic();
  // Elastic: a tactic block follows its techniques; give each technique its block's tactic.
  if (format === 'elastic') {
    const all = groups[0];
    let tactic: string | undefined;
    for (let i = all.length - 1; i >= 0; i--) {
      if (all[i].kind === 'tactic') tactic = all[i].text;
      else all[i] = { ...all[i], context: { ...all[i].context, tacticId: tactic } };
    }
  }
  return { path, format, rules: rules(groups), problems: [] };
}
