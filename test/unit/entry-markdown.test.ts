import * as assert from 'assert';
import { AttackIndex } from '../../src/attack/index';
import { codeSpan, descriptionMarkdown, entryHoverMarkdown, entryMarkdown, firstSentence, unknownReferenceMarkdown } from '../../src/editor/entryMarkdown';
import { markdownText as escapeMarkdown } from '../../src/outsideText';
import { insertionFor } from '../../src/editor/searchInsertion';
import { linesOf } from '../../src/rules/slots';
import { Position, RuleFormat } from '../../src/rules/types';
import { index18, rawObjects } from './helpers/attackData';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt = require('markdown-it');

// The hover / Open technique Markdown on the real 18.1 data (facts checked against the raw STIX),
// rendered by markdown-it (html off, as VS Code hovers) to prove hostile text stays text; and
// what Search ATT&CK inserts per format.

type Raw = Record<string, any>;
const mitreId = (o: Raw): string | undefined => (o.external_references ?? []).find((r: Raw) => r.source_name === 'mitre-attack')?.external_id;
const md = new MarkdownIt({ html: false, linkify: true });
const render = (s: string): string => md.render(s);
const SITE = 'https://attack.mitre.org';

let index: AttackIndex;
let raw: Raw[];
let byStixId: Map<string, Raw>;
/** The real ATT&CK data these tests read, loaded by the `before` of each suite that needs it. */
function loadRealData(): void {
  index = index18();
  raw = rawObjects('enterprise-attack-18.1.json') as Raw[];
  byStixId = new Map(raw.map((o) => [o.id, o]));
}

function related(type: string, targetId: string, sourceType: string): string[] {
  const target = raw.find((o) => o.type === 'attack-pattern' && mitreId(o) === targetId && !o.revoked)!;
  return raw
    .filter((r) => r.type === 'relationship' && r.relationship_type === type && r.target_ref === target.id && !r.revoked && !r.x_mitre_deprecated)
    .map((r) => byStixId.get(r.source_ref))
    .filter((o): o is Raw => !!o && o.type === sourceType && !o.revoked && !o.x_mitre_deprecated)
    .map((o) => mitreId(o)!)
    .sort();
}

describe('entryMarkdown on ATT&CK 18.1 (needs ../shared)', () => {
  before(loadRealData);
  it('a sub-technique: name, tactics, platforms, parent, detection strategies, mitigations, groups, link', () => {
    const text = entryMarkdown(index, index.get('T1059.001')!, { siteBaseUrl: SITE, listLimit: 100 });
    const html = render(text);
    const stix = raw.find((o) => o.type === 'attack-pattern' && mitreId(o) === 'T1059.001')!;
    assert.ok(html.includes('T1059.001 PowerShell'));
    assert.ok(html.includes('Tactics: Execution'));
    for (const p of stix.x_mitre_platforms) assert.ok(html.includes(p), p);
    assert.ok(html.includes('Sub-technique of T1059 Command and Scripting Interpreter'));
    const strategies = related('detects', 'T1059.001', 'x-mitre-detection-strategy');
    assert.ok(strategies.length > 0);
    for (const id of strategies) assert.ok(html.includes(id), id);
    for (const id of related('mitigates', 'T1059.001', 'course-of-action').slice(0, 5)) assert.ok(html.includes(id), id);
    const groups = new Set(raw.filter((r) => r.type === 'relationship' && r.relationship_type === 'uses' && r.target_ref === stix.id && byStixId.get(r.source_ref)?.type === 'intrusion-set' && !byStixId.get(r.source_ref)?.revoked && !byStixId.get(r.source_ref)?.x_mitre_deprecated).map((r) => r.source_ref));
    assert.ok(html.includes(`Used by ${groups.size} groups`), `${groups.size} groups`);
    assert.ok(html.includes('Data components:'));
    assert.ok(html.includes('href="https://attack.mitre.org/techniques/T1059/001/"'));
    assert.ok(html.includes('<code>Start-Process</code>'), 'ATT&CK <code> becomes a code span');
    assert.ok(!html.includes('PSAttack'), 'first paragraph only by default');
    assert.ok(render(entryMarkdown(index, index.get('T1059.001')!, { siteBaseUrl: SITE, fullDescription: true })).includes('PSAttack'));
  });

  it('a parent lists its sub-techniques; the site base is configurable', () => {
    const html = render(entryMarkdown(index, index.get('T1059')!, { siteBaseUrl: 'https://mirror.example/attack/', listLimit: 100 }));
    const subs = raw.filter((o) => o.type === 'attack-pattern' && /^T1059\.\d{3}$/.test(mitreId(o) ?? '') && !o.revoked && !o.x_mitre_deprecated).map((o) => mitreId(o)!);
    for (const s of subs) assert.ok(html.includes(s), s);
    assert.ok(html.includes('href="https://mirror.example/attack/techniques/T1059/"'));
  });

  it('revoked and deprecated entries say so and name the replacement', () => {
    const revoked = render(entryMarkdown(index, index.get('T1086')!, { siteBaseUrl: SITE, written: 'attack.t1086' }));
    assert.ok(revoked.includes('<strong>Revoked</strong>: replaced by T1059.001 PowerShell'), revoked);
    assert.ok(revoked.includes('<code>attack.t1086</code>'));
    const deprecated = raw.find((o) => o.type === 'attack-pattern' && o.x_mitre_deprecated && !o.revoked)!;
    assert.ok(render(entryMarkdown(index, index.get(mitreId(deprecated)!)!, { siteBaseUrl: SITE })).includes('Deprecated'));
  });

  it('tactics, groups and software', () => {
    const tactic = render(entryMarkdown(index, index.get('TA0005')!, { siteBaseUrl: SITE }));
    assert.ok(tactic.includes('TA0005 Defense Evasion') && tactic.includes('<code>defense-evasion</code>'));
    const group = render(entryMarkdown(index, index.get('G0016')!, { siteBaseUrl: SITE }));
    assert.ok(group.includes('APT29') && group.includes('Cozy Bear') && group.includes('/groups/G0016/'));
    const software = render(entryMarkdown(index, index.get('S0154')!, { siteBaseUrl: SITE }));
    assert.ok(software.includes('Cobalt Strike') && software.includes('Software'));
  });
});

describe('the hover layout on ATT&CK 18.1 (needs ../shared)', () => {
  before(loadRealData);
  /** The rendered blocks of a hover: paragraphs and the list, in order. */
  const blocks = (text: string): string[] => text.split(/\n\n/);

  it('leads with name, tactics and platforms on one line and one sentence; the rest follows, shorter', () => {
    const stix = raw.find((o) => o.type === 'attack-pattern' && mitreId(o) === 'T1059.001')!;
    const text = entryHoverMarkdown(index, index.get('T1059.001')!, { siteBaseUrl: SITE, written: 'attack.t1059.001' });
    const [heading, facts, sentence, list, link] = blocks(text);
    assert.strictEqual(render(heading).trim(), '<p><strong>T1059.001 PowerShell</strong> — Sub-technique</p>');
    assert.ok(!text.includes('Written as'), 'attack.t1059.001 is the ID as Sigma spells it: no line for it');
    const named = entryHoverMarkdown(index, index.get('T1059.001')!, { siteBaseUrl: SITE, written: 'Command and Scripting Interpreter: PowerShell' });
    assert.ok(render(blocks(named)[1]).includes('<code>Command and Scripting Interpreter: PowerShell</code>'), 'a name as written is shown');
    assert.strictEqual(render(facts).trim(), `<p>Tactics: Execution · Platforms: ${stix.x_mitre_platforms.join(', ')}</p>`);
    // One sentence: the start of the STIX description's first paragraph, ending at its first full stop.
    const plain = render(sentence).replace(/<[^>]+>/g, '').trim();
    const paragraph = String(stix.description).split('\n\n')[0];
    assert.ok(paragraph.startsWith(plain) && plain.endsWith('.') && plain.length < paragraph.length, plain);
    assert.ok(!plain.slice(0, -1).includes('. '), `more than one sentence: ${plain}`);
    const items = list.split('\n');
    assert.ok(items[0].startsWith('- Sub-technique of T1059'), items[0]);
    for (const [label, type] of [['Detection strategies', 'detects'], ['Mitigations', 'mitigates']] as const) {
      const line = items.find((l) => l.startsWith(`- ${label}: `));
      assert.ok(line, label);
      const ids = line.match(/[A-Z]+\d{4}/g) ?? [];
      const all = related(type, 'T1059.001', type === 'detects' ? 'x-mitre-detection-strategy' : 'course-of-action');
      assert.ok(ids.length === Math.min(3, all.length) && ids.every((id) => all.includes(id)), `${label}: ${line}`);
      if (all.length > 3) assert.ok(line.endsWith(`and ${all.length - 3} more`), line);
    }
    assert.ok(items.some((l) => /^- Used by \d+ groups/.test(l)), 'groups');
    assert.ok(render(link).includes('href="https://attack.mitre.org/techniques/T1059/001/"'), link);
    assert.ok(text.length < entryMarkdown(index, index.get('T1059.001')!, { siteBaseUrl: SITE }).length, 'shorter than the Open technique view');
  });

  it('fullDescription shows the whole description; a group keeps its facts on one line', () => {
    const full = render(entryHoverMarkdown(index, index.get('T1059.001')!, { siteBaseUrl: SITE, fullDescription: true }));
    assert.ok(full.includes('PSAttack'), 'the later paragraphs');
    const group = blocks(entryHoverMarkdown(index, index.get('G0016')!, { siteBaseUrl: SITE }));
    assert.match(group[1], /^Aliases: .+ · Uses \d+ techniques and \d+ software$/);
  });

  it('the first sentence ends at a full stop before a capital, not inside code, a link or after e.g.', () => {
    assert.strictEqual(firstSentence('Adversaries may abuse X (e.g. foo). More here.'), 'Adversaries may abuse X (e.g. foo).');
    assert.strictEqual(firstSentence('Runs <code>a. B.exe</code> as T1059.001. Then [x.y](https://a.example/b. C) more.'), 'Runs <code>a. B.exe</code> as T1059.001.');
    assert.strictEqual(firstSentence('No full stop at all\n\nSecond paragraph.'), 'No full stop at all');
    assert.strictEqual(firstSentence('Why? Because.'), 'Why?');
  });
});

describe('entryMarkdown escaping (needs ../shared)', () => {
  before(loadRealData);
  const hostile = ['<img src=x onerror=alert(1)>', '[x](command:workbench.action.quit)', '<script>alert(1)</script>', '![i](https://evil.example/p.png)', '**bold** _it_ `code` # h', 'https://evil.example/x', 'a\n\n# heading\n- item'];

  it('escaped text renders as the same text, with no element, link or image', () => {
    for (const h of hostile) {
      const html = render(escapeMarkdown(h));
      assert.ok(!/<(a|img|script|strong|em|h1|li|code)\b/.test(html), `${h} → ${html}`);
      const text = html.replace(/<\/?p>/g, '').trim().replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
      assert.strictEqual(text, h.replace(/\n/g, ' '));
    }
  });

  it('code spans hold anything, including backticks', () => {
    for (const h of [...hostile, 'a`b``c', '`']) {
      const html = render(codeSpan(h));
      assert.ok(/^<p><code>[\s\S]*<\/code><\/p>$/.test(html.trim()), html);
      assert.ok(!/<(a|img|script)\b/.test(html));
    }
  });

  it('descriptions keep ATT&CK link text, drop their targets, escape the rest', () => {
    const html = render(descriptionMarkdown('Uses [APT29](https://attack.mitre.org/groups/G0016) and <img src=x onerror=alert(1)> and [y](command:evil)', false));
    assert.ok(html.includes('APT29') && !html.includes('href') && !html.includes('<img'));
  });

  it('unknown references quote the rule text as code', () => {
    const html = render(unknownReferenceMarkdown(index, '[x](command:workbench.action.quit)', 'tactic'));
    assert.ok(html.includes('<code>[x](command:workbench.action.quit)</code>') && !html.includes('href'), html);
  });
});

describe('Search ATT&CK insertion (needs ../shared)', () => {
  before(loadRealData);
  const at = (text: string): { text: string; pos: Position } => {
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('|'));
    return { text: text.replace('|', ''), pos: { line, character: lines[line].indexOf('|') } };
  };
  const insert = (textWithCursor: string, format: RuleFormat | undefined, id: string) => {
    const { text, pos } = at(textWithCursor);
    return insertionFor(index, linesOf(text), pos, format, index.get(id)!);
  };

  it('Sigma tags get the tag form; a filled item gets a new item below', () => {
    assert.deepStrictEqual(insert('title: x\ntags:\n    - |\n', 'sigma', 'T1059.001').edits, [{ span: { start: { line: 2, character: 6 }, end: { line: 2, character: 6 } }, newText: 'attack.t1059.001' }]);
    assert.deepStrictEqual(insert('title: x\ntags:\n    - attack.execution|\n', 'sigma', 'G0016').edits, [{ span: { start: { line: 2, character: 22 }, end: { line: 2, character: 22 } }, newText: '\n    - attack.g0016' }]);
    assert.strictEqual(insert('title: x\ntags:\n    - |\n', 'sigma', 'TA0005').value, 'attack.defense-evasion');
  });

  it('a filled element of a flow list gets the entry as the next element, the element kept', () => {
    const newTextAt = (t: string, id: string) => insert(t, 'sigma', id).edits.map((e) => [e.span.start.character, e.span.end.character, e.newText]);
    assert.deepStrictEqual(newTextAt('title: x\ntags: [attack.t1059|]\n', 'G0016'), [[19, 19, ', attack.g0016']]);
    assert.deepStrictEqual(newTextAt('title: x\ntags: [attack.execution, "attack.t10|59" ]\n', 'T1027'), [[39, 39, ', attack.t1027']]);
    assert.deepStrictEqual(newTextAt('title: x\ntags: [attack.execution, |]\n', 'T1027'), [[25, 25, 'attack.t1027']], 'an empty element is filled');
    assert.deepStrictEqual(insert('name: x\ntactics: [Execution|]\n', 'sentinel', 'TA0005').edits.map((e) => e.newText), [', DefenseEvasion']);
  });

  it('plain ID outside slots and in formats without one; Sentinel tactic names; Elastic fills the table', () => {
    assert.deepStrictEqual(insert('title: x\ndescription: see |\n', 'sigma', 'T1059.001').edits, [{ span: { start: { line: 1, character: 17 }, end: { line: 1, character: 17 } }, newText: 'T1059.001' }]);
    assert.strictEqual(insert('# Notes |', 'generic', 'G0016').value, 'G0016');
    assert.strictEqual(insert('# Notes |', undefined, 'G0016').value, 'G0016');
    assert.strictEqual(insert('name: x\ntactics:\n  - |\n', 'sentinel', 'TA0005').value, 'DefenseEvasion');
    assert.strictEqual(insert('name: x\ntactics:\n  - |\n', 'sentinel', 'G0016').value, 'G0016', 'a group does not fit a tactics slot');
    const elastic = insert('[[rule.threat]]\n[[rule.threat.technique]]\nid = "|"\n', 'elastic', 'T1059');
    assert.deepStrictEqual(elastic.edits.map((e) => e.newText), ['T1059', 'name = "Command and Scripting Interpreter"\nreference = "https://attack.mitre.org/techniques/T1059/"\n']);
  });
});
