import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { compileBundle } from '../../src/attack/compile';
import { AttackIndex } from '../../src/attack/index';
import { readStixBundle } from '../../src/attack/stix';
import { Finding } from '../../src/checks/findings';
import { isNewerId, isNewerTacticName } from '../../src/checks/newerThanData';
import { checkRuleFile } from '../../src/checks/referenceChecks';
import { CoverageModel } from '../../src/coverage/model';
import { jsonReport, summaryTable } from '../../src/coverage/report';
import { parseRuleFile } from '../../src/rules/index';
import { index18, loadBundle, projectRoot } from './helpers/attackData';

// References newer than the loaded ATT&CK data (issue 14 §1): test/fixtures/stix/newer-than-data/
// holds a mini "v18" (Defense Evasion whole, techniques up to T1681, software up to S1249) and a
// mini "v19" (TA0005 renamed Stealth with the same STIX id, TA0112 Defense Impairment new, T1562
// and T1562.001 revoked into T1685, T1685.005, T1690, S9001 and G1054 new). Rules written for v19
// read against v18 are "newer than the data", typos stay unknown.

const STIX = path.join(projectRoot, 'test', 'fixtures', 'stix', 'newer-than-data');
const RULES = path.join(projectRoot, 'test', 'fixtures', 'checks', 'newer');

function mini(version: '18.0' | '19.0'): AttackIndex {
  const file = path.join(STIX, `enterprise-attack-${version}.json`);
  return new AttackIndex([compileBundle(readStixBundle(fs.readFileSync(file, 'utf8'), file))]);
}

function check(rel: string, index: AttackIndex): Finding[] {
  const text = fs.readFileSync(path.join(RULES, rel), 'utf8');
  return checkRuleFile(parseRuleFile(text, rel, index, rel.endsWith('.md') ? { format: 'generic' } : undefined), text, index);
}

/** `[code, reference text, severity]` per finding, in file order. */
function codes(findings: readonly Finding[]): [string, string, string][] {
  return findings.map((f) => [f.code, f.ref?.text ?? '', f.defaultSeverity]);
}

describe('references newer than the loaded ATT&CK data', () => {
  const v18 = mini('18.0');
  const v19 = mini('19.0');

  describe('which unknown IDs read as newer', () => {
    it('an ID just above the highest of its kind is newer; one at or below it, or far above it, is a typo', () => {
      const newer = ['T1682', 'T1685', 'T1690', 'T1781', 'TA0041', 'TA0112', 'G1054', 'G1103', 'S1250', 'S1299'];
      const typos = ['T1600', 'T1680', 'T1782', 'T1999', 'T9999', 'TA0001', 'TA0141', 'G1104', 'S1300', 'S0003'];
      assert.deepStrictEqual(newer.filter((id) => !isNewerId(v18, id)), [], 'all newer');
      assert.deepStrictEqual(typos.filter((id) => isNewerId(v18, id)), [], 'all typos');
    });

    it('a new series counts near its start, above the highest series the kind has (S9001); older series no longer grow (S0003)', () => {
      assert.ok(isNewerId(v18, 'S9001'));
      assert.ok(isNewerId(v18, 'S9050'));
      assert.ok(!isNewerId(v18, 'S9051'), 'past the window from the series start');
      assert.ok(!isNewerId(v18, 'S9000'), 'no ID ends in 000');
      assert.ok(isNewerId(v18, 'G2001'));
      assert.ok(!isNewerId(v18, 'C0001'), 'a kind the data has none of: nothing to be newer than');
    });

    it('a sub-technique is newer when its parent is, or just above its known parent\'s last sub-technique', () => {
      assert.ok(isNewerId(v18, 'T1685.005'), 'the parent is newer');
      assert.ok(isNewerId(v18, 'T1059.003'), 'T1059 ends at .002');
      assert.ok(isNewerId(v18, 'T1059.007'));
      assert.ok(!isNewerId(v18, 'T1059.008'), 'more than five above .002');
      assert.ok(isNewerId(v18, 'T1003.001'), 'a parent without sub-techniques may get its first');
      assert.ok(!isNewerId(v18, 'T1600.001'), 'the parent is a typo');
    });

    it('a known ID is never newer, whatever its status', () => {
      for (const id of ['T1059', 'T1059.001', 'T1681', 'TA0005', 'S1249']) assert.ok(!isNewerId(v18, id), id);
      for (const id of ['T1562', 'T1562.001', 'T1685', 'S9001']) assert.ok(!isNewerId(v19, id), `${id} in v19`);
    });

    it('a tactic the data lacks is newer in every format\'s spelling; one a typo away from a known tactic is not', () => {
      for (const text of ['stealth', 'attack.stealth', 'defense-impairment', 'Defense Impairment', 'DefenseImpairment', 'network-effects']) {
        assert.ok(isNewerTacticName(v18, text), text);
      }
      // A typo of a known tactic, a known tactic, a technique's name, too short, not shaped like a shortname.
      for (const text of ['defence-evasion', 'DefenceEvasion', 'executon', 'credential-acess', 'defense-evasion', 'powershell', 'PowerShell', 'abc', 't1059', 'stealth-2', 'a-b-c-d-e-f']) {
        assert.ok(!isNewerTacticName(v18, text), text);
      }
      assert.ok(!isNewerTacticName(v19, 'stealth'), 'v19 has it');
      // v19 renamed Defense Evasion; its revoked techniques still name it, so the old name (and a typo of it) is not newer.
      assert.ok(!isNewerTacticName(v19, 'defense-evasion'));
      assert.ok(!isNewerTacticName(v19, 'defence-evasion'));
    });
  });

  describe('the checks', () => {
    it('a SigmaHQ-style v19 rule against v18: information findings under their own code, no errors', () => {
      const found = check('sigma_v19.yml', v18);
      assert.deepStrictEqual(codes(found), [
        ['attack-lens/newer-than-data', 'attack.stealth', 'information'],
        ['attack-lens/newer-than-data', 'attack.defense-impairment', 'information'],
        ['attack-lens/newer-than-data', 'attack.t1685', 'information'],
        ['attack-lens/newer-than-data', 'attack.t1685.005', 'information'],
        ['attack-lens/missing-tactic', 'attack.t1027', 'information'],
        ['attack-lens/newer-than-data', 'attack.s9001', 'information'],
        ['attack-lens/newer-than-data', 'attack.ta0112', 'information'],
      ]);
      assert.strictEqual(found[0].message, 'attack.stealth looks newer than the loaded ATT&CK v18.0: update the ATT&CK data to check it');
      assert.strictEqual(found[2].message, 'T1685 looks newer than the loaded ATT&CK v18.0: update the ATT&CK data to check it');
      assert.ok(found.filter((f) => f.code === 'attack-lens/newer-than-data').every((f) => f.fixes.length === 0), 'nothing to fix but the data');
    });

    it('the same rule against v19: nothing newer, only Sigma\'s spelling of a tactic by ID', () => {
      assert.deepStrictEqual(codes(check('sigma_v19.yml', v19)), [['attack-lens/tag-format', 'attack.ta0112', 'warning']]);
    });

    it('typos stay unknown-id and unknown-tactic, with their fixes', () => {
      const found = check('sigma_typos.yml', v18);
      assert.deepStrictEqual(codes(found), [
        ['attack-lens/unknown-tactic', 'attack.defence-evasion', 'error'],
        ['attack-lens/unknown-tactic', 'attack.executon', 'error'],
        ['attack-lens/unknown-tactic', 'attack.powershell', 'error'],
        ['attack-lens/unknown-id', 'attack.t1999', 'error'],
        ['attack-lens/unknown-id', 'attack.t1600', 'error'],
        ['attack-lens/unknown-id', 'attack.t1059.009', 'error'],
        ['attack-lens/unknown-id', 'attack.t9999', 'error'],
      ]);
      assert.deepStrictEqual(found[0].fixes.map((f) => f.edits[0].newText), ['attack.defense-evasion']);
    });

    it('Sentinel, Elastic and YARA-L spell v19 tactics their own way and get the same code', () => {
      assert.deepStrictEqual(codes(check('sentinel_v19.yaml', v18)), [
        ['attack-lens/newer-than-data', 'Stealth', 'information'],
        ['attack-lens/newer-than-data', 'DefenseImpairment', 'information'],
        ['attack-lens/unknown-tactic', 'DefenceEvasion', 'error'],
        ['attack-lens/newer-than-data', 'T1685', 'information'],
        ['attack-lens/unknown-id', 'T1999', 'error'],
      ]);
      assert.deepStrictEqual(codes(check('elastic_v19.toml', v18)), [
        ['attack-lens/newer-than-data', 'T1685', 'information'],
        ['attack-lens/newer-than-data', 'TA0112', 'information'],
      ]);
      assert.deepStrictEqual(codes(check('yaral_v19.yaral', v18)), [
        ['attack-lens/newer-than-data', 'Defense Impairment', 'information'],
        ['attack-lens/newer-than-data', 'T1685', 'information'],
      ]);
      for (const rel of ['sentinel_v19.yaml', 'elastic_v19.toml', 'yaral_v19.yaral']) {
        assert.deepStrictEqual(codes(check(rel, v19)).filter(([code]) => code === 'attack-lens/newer-than-data'), [], `${rel} against v19`);
      }
    });

    it('a Sigma tactic tag the data lacks, written out of form, also gets its canonical spelling', () => {
      const text = 'title: t\nlogsource:\n  product: windows\ndetection:\n  s:\n    a: b\n  condition: s\ntags:\n  - attack.Defense_Impairment\n';
      const found = checkRuleFile(parseRuleFile(text, 'x.yml', v18), text, v18);
      assert.deepStrictEqual(codes(found), [
        ['attack-lens/newer-than-data', 'attack.Defense_Impairment', 'information'],
        ['attack-lens/tag-format', 'attack.Defense_Impairment', 'warning'],
      ]);
      assert.strictEqual(found[1].fixes[0].edits[0].newText, 'attack.defense-impairment');
    });
  });

  describe('coverage', () => {
    function model(index: AttackIndex): CoverageModel {
      const files = ['sigma_v19.yml', 'sigma_typos.yml', 'sentinel_v19.yaml'].map((rel) => parseRuleFile(fs.readFileSync(path.join(RULES, rel), 'utf8'), rel, index));
      return CoverageModel.build(files, index);
    }

    it('lists the newer references apart from the typos, technique IDs canonical and tactics as written, with their counts', () => {
      const m = model(v18);
      const j = jsonReport(m);
      assert.deepStrictEqual(j.newerThanData, { 'Stealth': 1, 'DefenseImpairment': 1, 'T1685': 2, 'T1685.005': 1, 'S9001': 1, 'TA0112': 1, 'attack.defense-impairment': 1, 'attack.stealth': 1 });
      assert.strictEqual(m.newerThanDataCount, 9);
      // `unknown` still holds every reference the data does not know.
      for (const key of Object.keys(j.newerThanData)) assert.ok(key in j.unknown, key);
      for (const typo of ['T1999', 'T9999', 'T1600', 'T1059.009', 'attack.defence-evasion', 'DefenceEvasion']) {
        assert.ok(typo in j.unknown && !(typo in j.newerThanData), typo);
      }
      assert.match(summaryTable(m), /\n9 references look newer than the loaded ATT&CK v18\.0 \(update the ATT&CK data\): T1685 ×2, (\S+ ×1, ){4}…/);
    });

    it('against v19 nothing is newer, and the summary says nothing about it', () => {
      const m = model(v19);
      assert.deepStrictEqual(jsonReport(m).newerThanData, {});
      assert.doesNotMatch(summaryTable(m), /newer than/);
    });
  });

  describe('the CLI', function () {
    this.timeout(120_000);
    const cli = path.join(projectRoot, 'dist', 'cli.js');
    const v18Bundle = path.join(STIX, 'enterprise-attack-18.0.json');
    const run = (...args: string[]) => {
      const r = spawnSync(process.execPath, [cli, ...args], { cwd: projectRoot, encoding: 'utf8', timeout: 60_000 });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const rules = ['sigma_v19.yml', 'sigma_typos.yml'].map((f) => path.join(RULES, f));

    it('coverage: the summary says how many references look newer, json counts them by reference', () => {
      const summary = run('coverage', ...rules, '--stix', v18Bundle);
      assert.strictEqual(summary.code, 0, summary.stderr);
      assert.match(summary.stdout, /\n6 references look newer than the loaded ATT&CK v18\.0 \(update the ATT&CK data\): /);
      const json = run('coverage', ...rules, '--stix', v18Bundle, '--format', 'json');
      const j = JSON.parse(json.stdout) as { newerThanData: Record<string, number>; unknown: Record<string, number> };
      assert.deepStrictEqual(j.newerThanData, { 'S9001': 1, 'T1685': 1, 'T1685.005': 1, 'TA0112': 1, 'attack.defense-impairment': 1, 'attack.stealth': 1 });
      assert.strictEqual(j.unknown['T1999'], 1);
    });

    it('check: text, json and SARIF name the code at information level; its severity is set like any other', () => {
      const text = run('check', ...rules, '--stix', v18Bundle);
      assert.strictEqual(text.code, 1, 'the typos are errors');
      assert.match(text.stdout, /18:5 {2}information {2}T1685 looks newer than the loaded ATT&CK v18\.0: update the ATT&CK data to check it {2}attack-lens\/newer-than-data/);
      const onlyNewer = run('check', rules[0], '--stix', v18Bundle);
      assert.strictEqual(onlyNewer.code, 0, `information does not fail the default gate: ${onlyNewer.stdout}`);
      assert.strictEqual(run('check', rules[0], '--stix', v18Bundle, '--severity', 'newer-than-data=error').code, 1);
      const off = JSON.parse(run('check', rules[0], '--stix', v18Bundle, '--format', 'json', '--severity', 'newer-than-data=off').stdout) as { findings: { code: string }[] };
      assert.deepStrictEqual(off.findings.map((f) => f.code), ['attack-lens/missing-tactic']);
      const sarif = JSON.parse(run('check', rules[0], '--stix', v18Bundle, '--format', 'sarif').stdout) as {
        runs: { tool: { driver: { rules: { id: string; defaultConfiguration: { level: string } }[] } }; results: { ruleId: string; level: string }[] }[];
      };
      const rule = sarif.runs[0].tool.driver.rules.find((r) => r.id === 'attack-lens/newer-than-data');
      assert.deepStrictEqual(rule?.defaultConfiguration.level, 'note');
      assert.strictEqual(sarif.runs[0].results.filter((r) => r.ruleId === 'attack-lens/newer-than-data' && r.level === 'note').length, 6);
    });
  });

  describe('the real 17.1 → 18.1 pair (needs ../shared)', () => {
    it('what 18.1 added above 17.1\'s highest IDs reads as newer against 17.1; 17.1 never calls a known ID newer', () => {
      const v17 = new AttackIndex([compileBundle(loadBundle('enterprise-attack-17.1.json'))]);
      const enterprise18 = new AttackIndex([compileBundle(loadBundle('enterprise-attack-18.1.json'))]);
      const added = [...enterprise18.entries()].filter((e) => !v17.get(e.id) && /^(T|G|S|C|M)\d{4}(\.\d{3})?$/.test(e.id));
      assert.ok(added.length > 20, `18.1 adds entries: ${added.length}`);
      const highest = (prefix: string) => Math.max(...[...v17.entries()].map((e) => new RegExp(`^${prefix}(\\d{4})$`).exec(e.id)).filter((m) => m !== null).map((m) => Number(m![1])));
      const above = added.filter((e) => !e.id.includes('.') && Number(e.id.slice(1)) > highest(e.id[0]));
      assert.ok(above.length > 10, `IDs above 17.1's highest: ${above.map((e) => e.id).join(' ')}`);
      assert.deepStrictEqual(above.filter((e) => !isNewerId(v17, e.id)).map((e) => e.id), [], 'every one newer against 17.1');
      const subsOfNew = added.filter((e) => e.id.includes('.') && !v17.get(e.id.split('.')[0]));
      assert.deepStrictEqual(subsOfNew.filter((e) => !isNewerId(v17, e.id)).map((e) => e.id), [], 'sub-techniques of new techniques');
      for (const e of v17.entries()) assert.ok(!isNewerId(v17, e.id), e.id);
    });
  });

  describe('ATT&CK 18.1 (needs ../shared)', () => {
    it('v19\'s Enterprise, ICS and software IDs and tactics read as newer; current ranges of DET, AN and DC IDs too', () => {
      const index = index18();
      for (const id of ['T1682', 'T1685', 'T1685.005', 'T1686', 'T1690', 'T1691', 'T1699', 'S9001', 'TA0112', 'G1054', 'C0060', 'M1061', 'DET0899', 'AN2033', 'DC0123']) {
        assert.ok(isNewerId(index, id), id);
      }
      // Known IDs; too far above the highest; older series, which no longer grow (ICS's T08xx and M08xx, S1xxx now that S9000 is taken).
      for (const id of ['S9000', 'DET0001', 'T0895', 'T1999', 'T9999', 'T1059.019', 'T0896', 'M0955', 'S1250']) assert.ok(!isNewerId(index, id), id);
      for (const name of ['stealth', 'defense-impairment', 'DefenseImpairment']) assert.ok(isNewerTacticName(index, name), name);
      for (const name of ['defence-evasion', 'evasion', 'inhibit-response-functon']) assert.ok(!isNewerTacticName(index, name), name);
    });
  });
});
