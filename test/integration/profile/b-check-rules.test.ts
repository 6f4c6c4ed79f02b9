import * as assert from 'assert';
import * as vscode from 'vscode';
import type { CheckRulesResult } from '../../../src/commands/checkRulesAgainstAttack';
import { activateApi, disk } from './helpers';

// "Check rules against ATT&CK data" over the fixture workspace: one revoked, deprecated and
// unknown reference per format, old technique names in Elastic and YARA-L; then Fix all, with
// the files read back from disk.

const check = (options: unknown) => vscode.commands.executeCommand<CheckRulesResult>('attackLens.checkRulesAgainstAttack', options);

const brief = (r: CheckRulesResult) => r.items.map((i) => `${i.category} ${i.path}:${i.line} ${i.text}`);

describe('Check rules against ATT&CK data', () => {
  before(async () => {
    await activateApi();
  });

  it('lists every revoked, deprecated, unknown and renamed reference in the workspace, grouped', async () => {
    const r = await check({ show: false });
    assert.strictEqual(r.cancelled, false);
    assert.strictEqual(r.scanned, 6, 'six rule files (layers/*.json and README.md are not rules)');
    // Lines as `grep -n` gives them (an Elastic name is reported on its name line).
    assert.deepStrictEqual(brief(r), [
      'revoked rules/elastic/stale_threat.toml:38 T1089',
      'revoked rules/sentinel/stale_techniques.yaml:18 T1086',
      'revoked rules/sigma/stale_tags.yml:9 attack.t1086',
      'revoked rules/splunk/stale_ids.yml:20 T1089',
      'revoked rules/yaral/stale_meta.yaral:6 Disabling Security Tools',
      'deprecated rules/elastic/stale_threat.toml:43 T1064',
      'deprecated rules/sentinel/stale_techniques.yaml:19 T1064',
      'deprecated rules/sigma/stale_tags.yml:11 attack.t1064',
      'deprecated rules/splunk/stale_ids.yml:21 T1064',
      'deprecated rules/yaral/stale_meta.yaral:17 T1064',
      'unknown rules/elastic/stale_threat.toml:48 T1998',
      'unknown rules/sentinel/stale_techniques.yaml:20 T1997',
      'unknown rules/sigma/stale_tags.yml:12 attack.t1059.999',
      'unknown rules/splunk/stale_ids.yml:22 T1999',
      'unknown rules/yaral/stale_meta.yaral:17 T1996',
      'renamed rules/elastic/stale_threat.toml:27 T1003',
      'renamed rules/yaral/stale_meta.yaral:28 Credential Dumping',
      'renamed rules/yaral/stale_meta.yaral:30 T1003.001 - LSASS Dump',
    ]);
    const revoked = r.items.find((i) => i.text === 'attack.t1086')!;
    assert.strictEqual(revoked.fix, 'Replace with T1059.001 (PowerShell)');
    const deprecated = r.items.find((i) => i.path.endsWith('.yml') && i.text === 'attack.t1064')!;
    assert.strictEqual(deprecated.fix, undefined, 'no obvious fix: Fix all leaves it');
    assert.deepStrictEqual(deprecated.fixes, ['Replace with T1059 (Command and Scripting Interpreter)'], 'ATT&CK’s suggestion is offered per item');
  });

  it('applies one item’s fix (here ATT&CK’s suggestion for a deprecated technique) and saves the file', async () => {
    const r = await check({ show: false });
    const item = r.items.find((i) => i.category === 'deprecated' && i.path === 'rules/sentinel/stale_techniques.yaml')!;
    const before = await disk('rules', 'sentinel', 'stale_techniques.yaml');
    assert.match(before, /relevantTechniques:\n {2}- T1086\n {2}- T1064\n/);
    const after = await check({ show: false, fix: item });
    assert.strictEqual(after.fixedItem, true);
    assert.strictEqual((await disk('rules', 'sentinel', 'stale_techniques.yaml')).replace(/- T1064\n/, '- T1059\n'), before.replace(/- T1064\n/, '- T1059\n'));
    assert.match(await disk('rules', 'sentinel', 'stale_techniques.yaml'), /relevantTechniques:\n {2}- T1086\n {2}- T1059\n {2}- T1997\n/);
    assert.ok(!after.items.some((i) => i.category === 'deprecated' && i.path === 'rules/sentinel/stale_techniques.yaml'));
    assert.strictEqual(after.items.length, r.items.length - 1);
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.isDirty), 'saved');
  });

  it('Fix all fixes every reference with an obvious fix, one file at a time, and the files on disk say so', async () => {
    const r = await check({ fixAll: true, show: false });
    assert.deepStrictEqual(r.fixed, { references: 8, files: 5 });
    const sigma = await disk('rules', 'sigma', 'stale_tags.yml');
    assert.match(sigma, /\n {4}- attack\.t1059\.001\n/);
    assert.doesNotMatch(sigma, /attack\.t1086/);
    assert.match(await disk('rules', 'splunk', 'stale_ids.yml'), /mitre_attack_id:\n {2}- T1562\.001\n {2}- T1064\n {2}- T1999\n/);
    assert.match(await disk('rules', 'sentinel', 'stale_techniques.yaml'), /relevantTechniques:\n {2}- T1059\.001\n {2}- T1059\n {2}- T1997\n/);
    const elastic = await disk('rules', 'elastic', 'stale_threat.toml');
    assert.match(elastic, /id = "T1003"\nname = "OS Credential Dumping"\n/);
    assert.ok(elastic.includes('id = "T1562"\nname = "Impair Defenses"\nreference = "https://attack.mitre.org/techniques/T1562/"\n\n[[rule.threat.technique.subtechnique]]\nid = "T1562.001"\nname = "Disable or Modify Tools"\nreference = "https://attack.mitre.org/techniques/T1562/001/"\n'));
    const yaral = await disk('rules', 'yaral', 'stale_meta.yaral');
    assert.match(yaral, /mitre_attack_technique = "Impair Defenses: Disable or Modify Tools"\n/);
    assert.match(yaral, /mitre_attack_technique = "OS Credential Dumping"\n/);
    assert.match(yaral, /mitre_attack_subtechnique = "T1003\.001 - OS Credential Dumping: LSASS Memory"\n/);
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.isDirty), 'every fixed file is saved');

    // What is left has no obvious fix: the deprecated and unknown references.
    assert.deepStrictEqual([...new Set(r.items.map((i) => i.category))], ['deprecated', 'unknown']);
    assert.strictEqual(r.items.length, 9, 'five unknown, four deprecated (the Sentinel one was fixed above)');
    assert.ok(r.items.every((i) => i.fix === undefined));
    const again = await check({ fixAll: true, show: false });
    assert.deepStrictEqual(again.fixed, { references: 0, files: 0 });
  });
});
