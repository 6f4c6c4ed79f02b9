import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { AttackIndex } from '../../src/attack/index';
import { AttackSearch } from '../../src/attack/search';
import { Candidate, completionCandidates, namedElsewhere } from '../../src/editor/completionCandidates';
import { Slot, slotAt } from '../../src/rules/slots';
import { parseTreated } from '../../src/rules/treatment';
import { Position, RuleFormat } from '../../src/rules/types';
import { index18, projectRoot, rawObjects } from './helpers/attackData';
import { miniIndex } from './helpers/miniAttack';
import { vscodeKeeps } from './helpers/vscodeFilter';

// Completion candidates per slot on the real ATT&CK 18.1 index. Expectations about what is
// revoked, which tactics a technique has and which aliases a group has are read from the raw
// STIX, not from the index the code under test uses.

type Raw = Record<string, any>;
const mitreId = (o: Raw): string | undefined => (o.external_references ?? []).find((r: Raw) => r.source_name === 'mitre-attack')?.external_id;

let index: AttackIndex;
let search: AttackSearch;
let raw: Raw[];
const inactive = new Set<string>();
const tacticsOf = new Map<string, string[]>();

/** The real ATT&CK data these tests read, loaded by the `before` of each suite that needs it. */
function loadRealData(): void {
  index = index18();
  search = new AttackSearch(index);
  raw = rawObjects('enterprise-attack-18.1.json') as Raw[];
  for (const o of raw) {
    const id = mitreId(o);
    // Old mitigations carry their technique's ID (course-of-action T1080): not the technique.
    if (!id || (o.type === 'course-of-action' && !id.startsWith('M'))) continue;
    if (o.revoked || o.x_mitre_deprecated) inactive.add(id);
    if (o.type === 'attack-pattern' && !o.revoked) tacticsOf.set(id, (o.kill_chain_phases ?? []).map((p: Raw) => p.phase_name));
  }
}

/** Slot at the `|` in the text (the marker is removed). */
function slotIn(textWithCursor: string, format: RuleFormat): { slot: Slot; text: string; at: Position } {
  const lines = textWithCursor.split('\n');
  const line = lines.findIndex((l) => l.includes('|'));
  const at = { line, character: lines[line].indexOf('|') };
  const text = textWithCursor.replace('|', '');
  const slot = slotAt(text, at, format);
  assert.ok(slot, `no slot in ${textWithCursor}`);
  return { slot, text, at };
}

function offer(textWithCursor: string, format: RuleFormat): Candidate[] {
  return [...completionCandidates(index, search, slotIn(textWithCursor, format).slot).items];
}

const values = (items: readonly Candidate[]) => items.map((c) => c.value);
const sigma = (tags: string[], typing: string) => `title: t\ntags:\n${tags.map((t) => `    - ${t}\n`).join('')}    - ${typing}|\nlogsource:\n    product: windows\ndetection:\n    sel:\n        a: b\n    condition: sel\n`;

describe('completion candidates: Sigma tags (needs ../shared)', () => {
  before(loadRealData);
  it('ID prefix: lowercase attack.t tags, the parent then its sub-techniques in order, nothing revoked', () => {
    const items = offer(sigma([], 'attack.t1059'), 'sigma');
    const subs = raw.filter((o) => o.type === 'attack-pattern' && !o.revoked && !o.x_mitre_deprecated && /^T1059\.\d{3}$/.test(mitreId(o) ?? '')).map((o) => `attack.${mitreId(o)!.toLowerCase()}`).sort();
    assert.deepStrictEqual(values(items), ['attack.t1059', ...subs]);
    assert.deepStrictEqual(items.map((c) => c.sortText), [...items.map((c) => c.sortText)].sort());
    assert.ok(items.every((c) => vscodeKeeps('attack.t1059', c.filterText)));
    assert.strictEqual(items[1].labelDetail, ' Command and Scripting Interpreter: PowerShell');
    assert.ok(items[0].description.includes('Execution'));
  });

  it('never offers revoked or deprecated entries (T1086 is revoked)', () => {
    for (const typing of ['attack.t108', 'attack.t1', 'attack.g', 'attack.s0', 'powershell', 'attack.']) {
      for (const c of offer(sigma([], typing), 'sigma')) assert.ok(!inactive.has(c.entry.id), `${typing} offered ${c.entry.id}`);
    }
    assert.ok(inactive.has('T1086'));
    assert.ok(!values(offer(sigma([], 'attack.t108'), 'sigma')).includes('attack.t1086'));
  });

  it('fuzzy by name: powersh offers T1059.001 PowerShell and VS Code keeps it', () => {
    const items = offer(sigma([], 'powersh'), 'sigma');
    const ps = items.find((c) => c.value === 'attack.t1059.001');
    assert.ok(ps, values(items).join());
    assert.ok(items.indexOf(ps) < 3, `rank ${items.indexOf(ps)}`);
    assert.ok(vscodeKeeps('powersh', ps.filterText));
    const prefixed = offer(sigma([], 'attack.powersh'), 'sigma').find((c) => c.value === 'attack.t1059.001');
    assert.ok(prefixed && vscodeKeeps('attack.powersh', prefixed.filterText));
  });

  it('fuzzy by alias: cozy offers G0016 APT29 (alias Cozy Bear in the STIX)', () => {
    const apt29 = raw.find((o) => o.type === 'intrusion-set' && mitreId(o) === 'G0016')!;
    assert.ok((apt29.aliases as string[]).includes('Cozy Bear'));
    const items = offer(sigma([], 'cozy'), 'sigma');
    const g = items.find((c) => c.value === 'attack.g0016');
    assert.ok(g, values(items).join());
    assert.ok(vscodeKeeps('cozy', g.filterText), g.filterText);
    assert.strictEqual(g.labelDetail, ' APT29');
  });

  it('tactics by shortname prefix, written attack.<shortname>', () => {
    assert.strictEqual(offer(sigma([], 'attack.exe'), 'sigma')[0].value, 'attack.execution');
    assert.strictEqual(offer(sigma([], 'attack.defense'), 'sigma')[0].value, 'attack.defense-evasion');
    const c = values(offer(sigma([], 'attack.c'), 'sigma'));
    for (const t of ['attack.collection', 'attack.command-and-control', 'attack.credential-access']) assert.ok(c.includes(t), t);
  });

  it('techniques of the tactics the rule names rank first', () => {
    const items = offer(sigma(['attack.persistence'], 'attack.t15'), 'sigma').filter((c) => c.entry.kind === 'technique');
    const parentTactics = (id: string) => tacticsOf.get(id.split('.')[0]) ?? [];
    const first = items.findIndex((c) => !parentTactics(c.entry.id).includes('persistence'));
    assert.ok(first > 0, 'some persistence techniques first');
    assert.ok(items.slice(0, first).every((c) => parentTactics(c.entry.id).includes('persistence')));
    assert.ok(items.slice(first).every((c) => !parentTactics(c.entry.id).includes('persistence')), 'all boosted ones come before the rest');
    // Without the tactic the order is plain ID order.
    const plain = offer(sigma([], 'attack.t15'), 'sigma').filter((c) => c.entry.kind === 'technique').map((c) => c.entry.id);
    assert.deepStrictEqual(plain, [...plain].sort());
  });

  it('groups and software by ID prefix', () => {
    assert.strictEqual(offer(sigma([], 'attack.g0016'), 'sigma')[0].value, 'attack.g0016');
    assert.strictEqual(offer(sigma([], 'attack.s0154'), 'sigma')[0].value, 'attack.s0154');
  });
});

describe('completion candidates: Splunk, Sentinel, YARA-L, generic (needs ../shared)', () => {
  before(loadRealData);
  it('Splunk: kerber lists T1558 before its sub-techniques, each family together (sub-techniques follow their parent)', () => {
    const items = offer('name: x\ntags:\n  mitre_attack_id:\n  - kerber|\n', 'splunk');
    const ids = items.map((c) => c.entry.id);
    assert.ok(ids.includes('T1558') && ids.includes('T1558.003'), ids.join());
    assert.ok(ids.indexOf('T1558') < ids.indexOf('T1558.003'), ids.join());
    // Every sub-technique offered comes after its parent when the parent is offered, with nothing between the family's members.
    for (const [i, id] of ids.entries()) {
      const parent = id.split('.')[0];
      if (id === parent || !ids.includes(parent)) continue;
      assert.ok(ids.slice(ids.indexOf(parent), i).every((x) => x.split('.')[0] === parent), `${id} right after ${parent} and its siblings: ${ids.join()}`);
    }
    // VS Code scores the parent's filter text like the sub-technique's, so its order (by sortText) is the order shown.
    const parent = items.find((c) => c.entry.id === 'T1558')!;
    assert.ok(vscodeKeeps('kerber', parent.filterText));
    assert.match(parent.filterText, /^Kerber/, parent.filterText);
  });

  it('Splunk: uppercase technique IDs only', () => {
    const items = offer('name: x\ntags:\n  mitre_attack_id:\n  - T1059.0|\n', 'splunk');
    assert.ok(items.length > 5);
    assert.ok(items.every((c) => /^T1059\.0\d\d$/.test(c.value) && c.insertText === c.value));
    assert.ok(offer('name: x\ntags:\n  mitre_attack_id:\n  - powersh|\n', 'splunk').some((c) => c.value === 'T1059.001'));
    assert.ok(offer('name: x\ntags:\n  mitre_attack_id:\n  - cozy|\n', 'splunk').every((c) => c.entry.kind === 'technique'));
  });

  it('Sentinel: tactics without spaces, the full list when nothing is typed; techniques by ID', () => {
    const all = completionCandidates(index, search, slotIn('name: x\ntactics:\n  - |\n', 'sentinel').slot);
    const expected = raw.filter((o) => o.type === 'x-mitre-tactic' && !o.x_mitre_deprecated).map((o) => (o.name as string).replace(/\b\w/g, (c) => c.toUpperCase()).replace(/[\s-]/g, ''));
    assert.deepStrictEqual([...values(all.items)].sort(), [...expected].sort());
    assert.strictEqual(all.incomplete, false);
    assert.strictEqual(offer('name: x\ntactics:\n  - Def|\n', 'sentinel')[0].value, 'DefenseEvasion');
    assert.ok(values(offer('name: x\ntactics:\n  - command|\n', 'sentinel')).includes('CommandAndControl'));
    const t = offer('name: x\nrelevantTechniques:\n  - T1059|\n', 'sentinel');
    assert.strictEqual(t[0].value, 'T1059');
  });

  it('YARA-L: names in name fields, IDs when an ID is typed or the field holds IDs', () => {
    const meta = (line: string) => `rule r {\n  meta:\n    ${line}\n  condition:\n    $e\n}\n`;
    assert.strictEqual(offer(meta('mitre_attack_tactic = "Def|"'), 'yaral')[0].value, 'Defense Evasion');
    assert.ok(values(offer(meta('mitre_attack_technique = "Powersh|"'), 'yaral')).includes('Command and Scripting Interpreter: PowerShell'));
    assert.strictEqual(offer(meta('mitre_attack_technique = "T1059.00|"'), 'yaral')[0].value, 'T1059.001');
    const ids = offer(meta('mitre_attack_technique_id = "T1059.001, T1027|"'), 'yaral');
    assert.strictEqual(ids[0].value, 'T1027');
    const wrapped = offer(meta('mitre_attack_tactic = Exe|'), 'yaral');
    assert.strictEqual(wrapped[0].insertText, '"Execution"');
  });

  it('generic: any kind by ID prefix', () => {
    assert.strictEqual(offer('Seen with G001|', 'generic')[0].value, 'G0010');
    assert.ok(offer('mitigated by M104|', 'generic').every((c) => c.entry.kind === 'mitigation'));
    assert.ok(offer('tactic TA000|', 'generic').every((c) => c.entry.kind === 'tactic'));
  });
});

describe('completion candidates: Elastic fills name and reference (needs ../shared)', () => {
  before(loadRealData);
  const fixture = fs.readFileSync(path.join(projectRoot, 'test/fixtures/editor/elastic/execution_powershell_encoded.toml'), 'utf8');
  const cursorAt = (needle: string, offset: number) => {
    const i = fixture.indexOf(needle) + offset;
    return fixture.slice(0, i) + '|' + fixture.slice(i);
  };
  const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle));

  it('technique id: techniques of the entry tactic first, parents only, name/reference rewritten', () => {
    const withCursor = cursorAt('id = "T1027"', 'id = "'.length);
    const items = offer(withCursor, 'elastic');
    assert.ok(items.every((c) => c.entry.kind === 'technique' && !c.value.includes('.')));
    assert.ok((tacticsOf.get(items[0].entry.id) ?? []).includes('defense-evasion'));
    const t1059 = completionCandidates(index, search, { ...slotIn(withCursor, 'elastic').slot, prefix: 'T1059' }).items.find((c) => c.value === 'T1059')!;
    assert.strictEqual(t1059.insertText, 'T1059');
    const text = withCursor.replace('|', '');
    assert.deepStrictEqual(
      t1059.additionalEdits.map((e) => [e.span.start.line, e.newText]),
      [
        [lineOf(text, 'name = "Obfuscated Files'), 'name = "Command and Scripting Interpreter"'],
        [lineOf(text, 'reference = "https://attack.mitre.org/techniques/T1027/"'), 'reference = "https://attack.mitre.org/techniques/T1059/"'],
      ],
    );
  });

  it('sub-technique id: the parent technique\'s sub-techniques first', () => {
    const items = offer(cursorAt('id = "T1059.001"', 'id = "'.length), 'elastic');
    const subs = items.filter((c) => c.entry.id.startsWith('T1059.'));
    assert.ok(subs.length >= 10);
    assert.deepStrictEqual(items.slice(0, subs.length), subs);
    assert.ok(items.every((c) => c.value.includes('.')));
  });

  it('tactic id: the tactics of the entry\'s techniques first, name and reference follow', () => {
    const items = offer(cursorAt('id = "TA0002"', 'id = "'.length), 'elastic');
    assert.strictEqual(items[0].value, 'TA0002');
    const impact = items.find((c) => c.value === 'TA0040')!;
    assert.deepStrictEqual(impact.additionalEdits.map((e) => e.newText), ['name = "Impact"', 'reference = "https://attack.mitre.org/tactics/TA0040/"']);
  });

  it('name slot: choosing by name sets id and reference', () => {
    const items = offer(cursorAt('name = "Obfuscated Files or Information"', 'name = "Obfusc'.length), 'elastic');
    const c = items.find((x) => x.entry.id === 'T1027')!;
    assert.strictEqual(c.value, 'Obfuscated Files or Information');
    assert.deepStrictEqual(c.additionalEdits, [], 'id and reference already agree');
    const other = offer(cursorAt('name = "Obfuscated Files or Information"', 'name = "'.length).replace('name = "|', 'name = "Masquer|'), 'elastic').find((x) => x.entry.id === 'T1036')!;
    assert.deepStrictEqual(other.additionalEdits.map((e) => e.newText), ['id = "T1036"', 'reference = "https://attack.mitre.org/techniques/T1036/"']);
  });

  it('missing lines are inserted after the id line, or appended at the end of the text', () => {
    const head = '[rule]\nname = "x"\n\n[[rule.threat]]\nframework = "MITRE ATT&CK"\n\n[[rule.threat.technique]]\n';
    const mid = completionCandidates(index, search, slotIn(head + 'id = "T1059|"\n\n[rule.threat.tactic]\nid = "TA0002"\n', 'elastic').slot).items[0];
    assert.deepStrictEqual(mid.additionalEdits, [{ span: { start: { line: 8, character: 0 }, end: { line: 8, character: 0 } }, newText: 'name = "Command and Scripting Interpreter"\nreference = "https://attack.mitre.org/techniques/T1059/"\n' }]);
    const end = completionCandidates(index, search, slotIn(head + 'id = T1059|', 'elastic').slot).items[0];
    assert.strictEqual(end.insertText, '"T1059"\nname = "Command and Scripting Interpreter"\nreference = "https://attack.mitre.org/techniques/T1059/"');
    const closed = completionCandidates(index, search, slotIn(head + 'id = "T1059|"', 'elastic').slot).items[0];
    assert.strictEqual(closed.insertText, 'T1059');
    assert.deepStrictEqual(closed.additionalEdits[0].span.start, { line: 7, character: 'id = "T1059"'.length });
  });
});

describe('completion candidates on the synthetic bundle', () => {
  // test/fixtures/stix/ (see its README): T1059 with sub-techniques .001, .003, .004; T1086 revoked;
  // tactics Execution, Persistence, Defense Evasion, Credential Access.
  const offerMini = (textWithCursor: string, format: RuleFormat) => completionCandidates(miniIndex(), new AttackSearch(miniIndex()), slotIn(textWithCursor, format).slot);

  it('Sigma: the parent then its sub-techniques for an ID prefix; a revoked ID is not offered', () => {
    assert.deepStrictEqual(values(offerMini(sigma([], 'attack.t1059'), 'sigma').items), ['attack.t1059', 'attack.t1059.001', 'attack.t1059.003', 'attack.t1059.004']);
    assert.ok(!values(offerMini(sigma([], 'attack.t108'), 'sigma').items).includes('attack.t1086'));
  });

  it('leaves out what the rule already names outside the slot being typed (Sigma, Splunk)', () => {
    const text = sigma(['attack.execution', 'attack.t1059.001'], 'attack.powersh').replace('|', '');
    const { slot } = slotIn(sigma(['attack.execution', 'attack.t1059.001'], 'attack.powersh'), 'sigma');
    const parsed = parseTreated(text, 'file:///r.yml', miniIndex(), { treatment: 'sigma' });
    const named = namedElsewhere(parsed, slot.range);
    assert.deepStrictEqual([...named].sort(), ['T1059.001', 'TA0002']);
    const search = new AttackSearch(miniIndex());
    const without = values(completionCandidates(miniIndex(), search, slot).items);
    assert.ok(without.includes('attack.t1059.001'), `offered when not named: ${without.join()}`);
    const items = values(completionCandidates(miniIndex(), search, slot, { named }).items);
    assert.ok(!items.includes('attack.t1059.001'), items.join());
    assert.ok(!values(completionCandidates(miniIndex(), search, slotIn(sigma(['attack.execution'], 'attack.exe'), 'sigma').slot, { named }).items).includes('attack.execution'));

    // The value in the slot itself is not "already named": completing over a full tag still offers it.
    const splunk = 'name: x\ntags:\n  mitre_attack_id:\n  - T1059.001\n  - T1059.00|\n';
    const at = slotIn(splunk, 'splunk');
    const own = namedElsewhere(parseTreated(at.text, 'file:///s.yml', miniIndex(), { treatment: 'splunk' }), at.slot.range);
    assert.deepStrictEqual([...own], ['T1059.001']);
    assert.deepStrictEqual([...values(completionCandidates(miniIndex(), search, at.slot, { named: own }).items)].sort(), ['T1059.003', 'T1059.004']);
  });

  it('Splunk sub-technique IDs, Sentinel tactics without spaces, YARA-L tactic names', () => {
    assert.deepStrictEqual([...values(offerMini('name: x\ntags:\n  mitre_attack_id:\n  - T1059.0|\n', 'splunk').items)].sort(), ['T1059.001', 'T1059.003', 'T1059.004']);
    const tactics = offerMini('name: x\ntactics:\n  - |\n', 'sentinel');
    assert.deepStrictEqual([...values(tactics.items)].sort(), ['CredentialAccess', 'DefenseEvasion', 'Execution', 'Persistence']);
    assert.strictEqual(tactics.incomplete, false);
    assert.strictEqual(offerMini('rule r {\n  meta:\n    mitre_attack_tactic = "Def|"\n  condition:\n    $e\n}\n', 'yaral').items[0].value, 'Defense Evasion');
  });
});
