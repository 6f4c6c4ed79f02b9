import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { load } from 'js-yaml';
import { linesOf, Slot, slotAt } from '../../src/rules/slots';
import { Position, RuleFormat } from '../../src/rules/types';
import { projectRoot, sharedRoot } from './helpers/attackData';

// Cursor → ATT&CK slot, on real SigmaHQ and Splunk ESCU rules (the expected values come from
// js-yaml's reading of each file, not from the slot reader) and on hand-written Elastic,
// Sentinel and YARA-L fixtures, complete and cut off while typing.

const corpus = (name: string) => path.join(sharedRoot, 'corpora', name);
const fixture = (rel: string) => fs.readFileSync(path.join(projectRoot, 'test/fixtures/editor', rel), 'utf8');

function yamlFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(dir, f));
}

/** Every `step`-th file: a spread over the whole corpus. */
function sample<T>(items: readonly T[], step: number): T[] {
  return items.filter((_, i) => i % step === 0);
}

/** Position of `needle`'s `offset`-th character on the first line (at or after `fromLine`) that contains it. */
function find(text: string, needle: string, offset = needle.length, fromLine = 0): Position {
  const lines = text.split(/\r?\n/);
  for (let l = fromLine; l < lines.length; l++) {
    const c = lines[l].indexOf(needle);
    if (c >= 0) return { line: l, character: c + offset };
  }
  throw new Error(`not found: ${needle}`);
}

/** Line indexes of the top-level list items under `key` written as `- value` in the file. */
function itemLines(lines: string[], value: string, after: number): number {
  const re = new RegExp(`^\\s*-\\s+['"]?${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"]?\\s*(#.*)?$`);
  return lines.findIndex((l, i) => i > after && re.test(l));
}

function assertSlot(slot: Slot | undefined, format: RuleFormat, kind: Slot['slot'], prefix: string, where: string): Slot {
  assert.ok(slot, `no slot at ${where}`);
  assert.strictEqual(slot.format, format, where);
  assert.strictEqual(slot.slot, kind, where);
  assert.strictEqual(slot.prefix, prefix, where);
  return slot;
}

describe('slots: Sigma tags on real SigmaHQ rules', () => {
  let sampled: string[] | undefined;
  // Read when a test first needs the corpus, so the tests without it run without ../shared.
  const files = () => (sampled ??= sample(yamlFiles(corpus('sigma/rules')), 8));

  it('samples a few hundred rules (needs ../shared)', () => assert.ok(files().length > 250, `${files().length} files`));

  it('every tag position resolves to the sigma-tag slot with the typed prefix and the whole tag as range (needs ../shared)', () => {
    let checked = 0;
    for (const file of files()) {
      const text = fs.readFileSync(file, 'utf8');
      const lines = text.split(/\r?\n/);
      const docs = [] as unknown[];
      try {
        docs.push(load(text.split(/^---\s*$/m)[0]));
      } catch {
        continue;
      }
      const tags = ((docs[0] as { tags?: unknown[] })?.tags ?? []).map(String);
      const tagsLine = lines.findIndex((l) => /^tags:/.test(l));
      for (const tag of tags) {
        const line = itemLines(lines, tag, tagsLine);
        assert.ok(line > tagsLine, `${file}: tag ${tag} not found as an item`);
        const start = lines[line].indexOf(tag);
        for (const k of [0, 1, Math.floor(tag.length / 2), tag.length]) {
          const where = `${path.basename(file)}:${line + 1}:${start + k}`;
          const slot = assertSlot(slotAt(text, { line, character: start + k }, 'sigma'), 'sigma', 'sigma-tag', tag.slice(0, k), where);
          assert.deepStrictEqual(slot.range, { start: { line, character: start }, end: { line, character: start + tag.length } }, where);
          const tactics = tags.filter((t) => /^attack\.[a-z-]+$/.test(t) && !/^attack\.(t|g|s)\d/.test(t)).map((t) => t.slice(7));
          assert.deepStrictEqual(slot.ruleTactics, tactics, where);
        }
        checked++;
      }
    }
    assert.ok(checked > 1000, `${checked} tags checked`);
  });

  it('title, detection, logsource, references and falsepositives positions are no slot (needs ../shared)', () => {
    let checked = 0;
    for (const file of files()) {
      const text = fs.readFileSync(file, 'utf8');
      const lines = text.split(/\r?\n/);
      let section = '';
      lines.forEach((l, line) => {
        const top = /^([A-Za-z_]+):/.exec(l);
        if (top) section = top[1];
        if (section === 'tags' || l.length === 0) return;
        for (const character of [0, Math.floor(l.length / 2), l.length]) {
          assert.strictEqual(slotAt(text, { line, character }, 'sigma'), undefined, `${path.basename(file)}:${line + 1}:${character} (${section})`);
          checked++;
        }
      });
    }
    assert.ok(checked > 10000, `${checked} positions checked`);
  });

  it('works on the text cut off in the middle of a tag being typed (needs ../shared)', () => {
    const text = fs.readFileSync(files().find((f) => /attack\.t1059\.001/.test(fs.readFileSync(f, 'utf8')))!, 'utf8');
    const at = find(text, 'attack.t1059.001', 'attack.t10'.length);
    const cut = text.split(/\r?\n/).slice(0, at.line + 1);
    cut[at.line] = cut[at.line].slice(0, at.character);
    const slot = assertSlot(slotAt(cut.join('\n'), at, 'sigma'), 'sigma', 'sigma-tag', 'attack.t10', 'cut text');
    assert.strictEqual(slot.range.end.character, at.character);
  });

  it('reads a fresh item, a dash without a space, quoted and flow-style tags', () => {
    const base = 'title: x\ntags:\n    - attack.execution\n';
    assertSlot(slotAt(base + '    - ', { line: 3, character: 6 }, 'sigma'), 'sigma', 'sigma-tag', '', 'fresh item');
    const dash = slotAt(base + '    -', { line: 3, character: 5 }, 'sigma');
    assert.deepStrictEqual(dash?.wrap, { before: ' ', after: '' });
    const quoted = assertSlot(slotAt(base + "    - 'attack.t10", { line: 3, character: 14 }, 'sigma'), 'sigma', 'sigma-tag', 'attack.', 'quoted');
    assert.deepStrictEqual(quoted.wrap, { before: '', after: "'" });
    const flow = 'title: x\ntags: [attack.execution, attack.t10]\ndetection: {}\n';
    const f = assertSlot(slotAt(flow, find(flow, 'attack.t10'), 'sigma'), 'sigma', 'sigma-tag', 'attack.t10', 'flow');
    assert.deepStrictEqual(f.ruleTactics, ['execution']);
    assert.strictEqual(slotAt(flow, find(flow, '[', 0), 'sigma'), undefined, 'before the bracket');
  });

  it('does not take lists nested under other keys or inside block scalars for tags', () => {
    const text = 'title: x\ndescription: |\n    tags:\n    - attack.t1059\nlogsource:\n    tags:\n        - attack.t1059\n';
    assert.strictEqual(slotAt(text, find(text, 'attack.t1059'), 'sigma'), undefined);
    assert.strictEqual(slotAt(text, find(text, 'attack.t1059', 12, 5), 'sigma'), undefined);
  });

  it('stops at the document marker of multi-document rules', () => {
    const text = 'title: a\ntags:\n    - attack.execution\n---\n    - attack.t1059\n';
    assert.strictEqual(slotAt(text, find(text, 'attack.t1059'), 'sigma'), undefined);
  });
});

describe('slots: Splunk ESCU mitre_attack_id on real detections', () => {
  let sampled: string[] | undefined;
  const files = () => (sampled ??= sample(yamlFiles(corpus('splunk/detections')), 8));

  it('every mitre_attack_id item is a splunk-technique slot; other tags lists are not (needs ../shared)', () => {
    let ids = 0;
    let others = 0;
    for (const file of files()) {
      const text = fs.readFileSync(file, 'utf8');
      const lines = text.split(/\r?\n/);
      let parsed: { tags?: Record<string, unknown> };
      try {
        parsed = load(text) as typeof parsed;
      } catch {
        continue;
      }
      const tagsLine = lines.findIndex((l) => /^tags:/.test(l));
      const idsLine = lines.findIndex((l, i) => i > tagsLine && /^\s+mitre_attack_id:/.test(l));
      for (const id of (parsed.tags?.mitre_attack_id as unknown[] | undefined) ?? []) {
        const line = itemLines(lines, String(id), idsLine);
        const start = lines[line].indexOf(String(id));
        for (const k of [0, 3, String(id).length]) {
          const slot = assertSlot(slotAt(text, { line, character: start + k }, 'splunk'), 'splunk', 'splunk-technique', String(id).slice(0, k), `${path.basename(file)}:${line + 1}`);
          assert.strictEqual(slot.range.end.character, start + String(id).length);
        }
        ids++;
      }
      for (const story of (parsed.tags?.analytic_story as unknown[] | undefined) ?? []) {
        const line = itemLines(lines, String(story), tagsLine);
        if (line < 0) continue;
        assert.strictEqual(slotAt(text, { line, character: lines[line].length }, 'splunk'), undefined, `${path.basename(file)}:${line + 1} analytic_story`);
        others++;
      }
      const searchLine = lines.findIndex((l) => /^search:/.test(l));
      if (searchLine >= 0) assert.strictEqual(slotAt(text, { line: searchLine, character: 10 }, 'splunk'), undefined);
    }
    assert.ok(ids > 150, `${ids} ids`);
    assert.ok(others > 100, `${others} analytic stories`);
  });

  it('a mitre_attack_id list outside tags is no slot', () => {
    const text = 'name: x\nmitre_attack_id:\n- T1059\n';
    assert.strictEqual(slotAt(text, find(text, 'T1059'), 'splunk'), undefined);
  });
});

describe('slots: Sentinel, Elastic and YARA-L fixtures', () => {
  it('Sentinel tactics and relevantTechniques items, not the description or data types', () => {
    const text = fixture('sentinel/PowerShellEncodedCommand.yaml');
    assertSlot(slotAt(text, find(text, '- DefenseEvasion', 'DefenseE'.length + 2), 'sentinel'), 'sentinel', 'sentinel-tactic', 'DefenseE', 'tactics');
    assertSlot(slotAt(text, find(text, '- T1027', 4), 'sentinel'), 'sentinel', 'sentinel-technique', 'T1', 'relevantTechniques');
    assert.strictEqual(slotAt(text, find(text, 'NotATactic'), 'sentinel'), undefined, 'inside the description block');
    assert.strictEqual(slotAt(text, find(text, '- SecurityEvent\n'.trim()), 'sentinel'), undefined, 'dataTypes');
    assert.strictEqual(slotAt(text, find(text, 'columnName'), 'sentinel'), undefined);
    const typing = 'name: x\ntactics:\n  - Execution\n  - Def';
    assertSlot(slotAt(typing, { line: 3, character: 7 }, 'sentinel'), 'sentinel', 'sentinel-tactic', 'Def', 'typing');
  });

  it('Elastic technique, sub-technique and tactic ids and names with their threat entry', () => {
    const text = fixture('elastic/execution_powershell_encoded.toml');
    const sub = assertSlot(slotAt(text, find(text, 'id = "T1059.001"', 'id = "T1059'.length), 'elastic'), 'elastic', 'elastic-subtechnique-id', 'T1059', 'sub id');
    assert.strictEqual(sub.elastic?.parentTechniqueId, 'T1059');
    assert.strictEqual(sub.elastic?.tacticId, 'TA0002', 'tactic table below the cursor');
    assert.strictEqual(sub.elastic?.fields.name?.value, 'PowerShell');
    assert.strictEqual(sub.elastic?.fields.reference?.value, 'https://attack.mitre.org/techniques/T1059/001/');
    assert.strictEqual(sub.wrap, undefined);

    const tech = assertSlot(slotAt(text, find(text, 'id = "T1027"', 'id = "'.length), 'elastic'), 'elastic', 'elastic-technique-id', '', 'technique id');
    assert.strictEqual(tech.elastic?.tacticId, 'TA0005');
    assert.deepStrictEqual(tech.elastic?.techniqueIds, ['T1027']);
    assert.deepStrictEqual(tech.range.end.character - tech.range.start.character, 5);

    const name = assertSlot(slotAt(text, find(text, 'name = "Obfuscated', 'name = "Obf'.length), 'elastic'), 'elastic', 'elastic-technique-name', 'Obf', 'name');
    assert.strictEqual(name.elastic?.fields.id?.value, 'T1027');

    const tactic = assertSlot(slotAt(text, find(text, 'id = "TA0002"', 'id = "TA'.length), 'elastic'), 'elastic', 'elastic-tactic-id', 'TA', 'tactic');
    assert.deepStrictEqual(tactic.elastic?.techniqueIds, ['T1059']);

    assert.strictEqual(slotAt(text, find(text, 'id = "TA0001"', 7), 'elastic'), undefined, 'inside a multi-line string');
    assert.strictEqual(slotAt(text, find(text, 'name = "PowerShell Encoded', 10), 'elastic'), undefined, '[rule] name');
    assert.strictEqual(slotAt(text, find(text, 'reference = "https://attack.mitre.org/techniques/T1059/"', 20), 'elastic'), undefined, 'reference');
  });

  it('Elastic while typing: no quotes yet, an unclosed quote, the file ending in the table', () => {
    const head = '[rule]\nname = "x"\n\n[[rule.threat]]\nframework = "MITRE ATT&CK"\n[[rule.threat.technique]]\n';
    const bare = assertSlot(slotAt(head + 'id = T10', { line: 6, character: 8 }, 'elastic'), 'elastic', 'elastic-technique-id', 'T10', 'bare');
    assert.deepStrictEqual(bare.wrap, { before: '"', after: '"' });
    const open = assertSlot(slotAt(head + 'id = "T10', { line: 6, character: 9 }, 'elastic'), 'elastic', 'elastic-technique-id', 'T10', 'open quote');
    assert.deepStrictEqual(open.wrap, { before: '', after: '"' });
    assert.strictEqual(open.elastic?.lastLine, 6);
    assert.strictEqual(open.elastic?.tacticId, undefined);
  });

  it("Elastic: ''' or \"\"\" in a one-line string or a comment does not open a multi-line string", () => {
    const head = [
      '[rule]',
      'description = "Quotes like \'\'\' appear in queries"',
      "note = 'a \"\"\" here'",
      "# ''' in a comment",
      'query = \'\'\'',
      'process where [rule.threat.technique]',
      'id = "T1"',
      '\'\'\'',
      '',
      '[[rule.threat]]',
      'framework = "MITRE ATT&CK"',
      '[[rule.threat.technique]]',
      'id = "T10',
    ];
    const text = head.join('\n');
    assert.strictEqual(slotAt(text, { line: 6, character: 7 }, 'elastic'), undefined, 'inside the real multi-line query');
    assertSlot(slotAt(text, { line: 12, character: 9 }, 'elastic'), 'elastic', 'elastic-technique-id', 'T10', 'after one-line strings and a comment with delimiters');
  });

  it('YARA-L meta values, inside the quotes, after commas; not in events', () => {
    const text = fixture('yaral/powershell_encoded.yaral');
    assertSlot(slotAt(text, find(text, '"Execution"', 4), 'yaral'), 'yaral', 'yaral-tactic', 'Exe', 'tactic');
    assertSlot(slotAt(text, find(text, 'Command and Scripting', 7), 'yaral'), 'yaral', 'yaral-technique', 'Command', 'technique');
    const second = assertSlot(slotAt(text, find(text, ', T1027', 5), 'yaral'), 'yaral', 'yaral-technique-id', 'T10', 'after comma');
    assert.strictEqual(text.split('\n')[second.range.start.line].slice(second.range.start.character, second.range.end.character), 'T1027');
    assert.strictEqual(slotAt(text, find(text, 'attack.mitre.org/techniques/T1059', 20), 'yaral'), undefined, 'url');
    assert.strictEqual(slotAt(text, find(text, '"PROCESS_LAUNCH"', 3), 'yaral'), undefined, 'events');
    assert.strictEqual(slotAt(text, find(text, 'mitre_attack_tactic = "Execution" in', 25), 'yaral'), undefined, 'comment in events');
    const typing = 'rule r {\n  meta:\n    mitre_attack_tactic = ';
    const t = assertSlot(slotAt(typing, { line: 2, character: 26 }, 'yaral'), 'yaral', 'yaral-tactic', '', 'typing');
    assert.deepStrictEqual(t.wrap, { before: '"', after: '"' });
  });

  it('generic: bare IDs being typed, not words', () => {
    const text = 'See T1059.0 and G00. Also TEXT and T.';
    assertSlot(slotAt(text, find(text, 'T1059.0'), 'generic'), 'generic', 'generic-id', 'T1059.0', 'technique');
    const g = assertSlot(slotAt(text, find(text, 'G00'), 'generic'), 'generic', 'generic-id', 'G00', 'group');
    assert.strictEqual(g.range.end.character - g.range.start.character, 3, 'the sentence dot is not part of the ID');
    assert.strictEqual(slotAt(text, find(text, 'TEXT'), 'generic'), undefined);
    assert.strictEqual(slotAt(text, find(text, 'T.', 1), 'generic'), undefined);
  });
});

describe('slots: bad input never throws', () => {
  const formats: RuleFormat[] = ['sigma', 'splunk', 'sentinel', 'elastic', 'yaral', 'generic'];
  it('empty, huge single-line, binary and random text', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const noise = Array.from({ length: 20000 }, () => String.fromCharCode(Math.floor(random() * 0xd7ff))).join('');
    const texts = ['', '\n\n', 'x'.repeat(2_000_000), '\u0000\u0001\u0002 - attack.t10', noise, '- - - [[[ ]]] "\'\'\' ===\n'.repeat(500)];
    for (const text of texts) {
      const lines = linesOf(text);
      for (const format of formats) {
        for (let i = 0; i < 50; i++) {
          const line = Math.floor(random() * (lines.lineCount + 1)) - (i % 3 === 0 ? 1 : 0);
          const character = Math.floor(random() * (lines.lineAt(line).length + 2));
          slotAt(text, { line, character }, format);
        }
      }
    }
    assert.strictEqual(slotAt('x'.repeat(100_000), { line: 0, character: 50_000 }, 'generic'), undefined);
  });

  it('table and meta names that are Object.prototype keys are not slots', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      assert.strictEqual(slotAt(`[${name}]\nid = "T10`, { line: 1, character: 9 }, 'elastic'), undefined, `[${name}]`);
      assert.strictEqual(slotAt(`rule r {\n  meta:\n    ${name} = "T10"\n}`, { line: 2, character: name.length + 9 }, 'yaral'), undefined, `meta ${name}`);
    }
  });
});
