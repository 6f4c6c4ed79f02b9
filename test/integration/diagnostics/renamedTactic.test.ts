import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import type { CheckRulesResult } from '../../../src/commands/checkRulesAgainstAttack';
import { codeOf, diagnosticsOf, extensionApi, waitFor, workspaceUri } from './helpers';

// With ATT&CK 19.0 loaded (the hand-written bundle of test/fixtures/stix-v19 through
// attackLens.stixBundles), a rule still tagged Defense Evasion gets attack-lens/renamed-tactic,
// whose quick fix is the tactics of the rule's own techniques, and "Check rules against ATT&CK
// data" lists and fixes it. The data goes back to the built-in 18.1 afterwards.

const projectRoot = path.resolve(__dirname, '..', '..', '..', '..');
const V19 = path.join(projectRoot, 'test', 'fixtures', 'stix-v19', 'enterprise-attack-19.0.json');

const SIGMA = `title: Obfuscated script that stops a security tool
logsource:
    product: windows
detection:
    sel:
        EventID: 4104
    condition: sel
tags:
    - attack.defense-evasion
    - attack.t1027
    - attack.t1562.001
`;

const SENTINEL = `id: 9c1d0e2a-5f00-4e6b-8a01-0000000000a1
name: Defender disabled
severity: Medium
tactics:
  - DefenseEvasion
relevantTechniques:
  - T1685
query: |
  SecurityEvent | where EventID == 5001
`;

const copies: vscode.Uri[] = [];

async function scratch(name: string, text: string): Promise<string> {
  const rel = `scratch/${name}`;
  await vscode.workspace.fs.writeFile(workspaceUri(rel), new TextEncoder().encode(text));
  copies.push(workspaceUri(rel));
  return rel;
}

async function setBundles(value: string[] | undefined, version: string): Promise<void> {
  const api = await extensionApi();
  await vscode.workspace.getConfiguration('attackLens').update('stixBundles', value, vscode.ConfigurationTarget.Workspace);
  await waitFor(`ATT&CK ${version}`, () => api.lens.index.versionLabel === `ATT&CK v${version}`, 60_000);
  await api.rules.ready;
  await waitFor('the rescan after the data change', () => !api.rules.scanning && api.rules.model.index === api.lens.index, 60_000);
}

describe('renamed tactics against ATT&CK 19.0', function () {
  this.timeout(120_000);
  before(async () => {
    await setBundles([V19], '19.0');
  });
  after(async () => {
    for (const uri of copies.splice(0)) {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (doc?.isDirty) await doc.save();
      await vscode.workspace.fs.delete(uri, { useTrash: false });
    }
    await setBundles(undefined, '18.1');
  });

  it('the quick fix for attack.defense-evasion is the tactics of the rule\'s techniques, not the closest name', async () => {
    const rel = await scratch('renamed.yml', SIGMA);
    const { doc, diagnostics } = await diagnosticsOf(rel, (ds) => ds.some((d) => codeOf(d) === 'attack-lens/renamed-tactic'));
    assert.ok(!diagnostics.some((d) => codeOf(d) === 'attack-lens/unknown-tactic'), 'not an unknown tactic');
    const renamed = diagnostics.find((d) => codeOf(d) === 'attack-lens/renamed-tactic')!;
    assert.strictEqual(renamed.severity, vscode.DiagnosticSeverity.Warning);
    assert.strictEqual(renamed.range.start.line, 8);
    const offered = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, renamed.range, vscode.CodeActionKind.QuickFix.value);
    const own = offered.filter((a) => a.kind?.value === 'quickfix' && !a.title.startsWith('Fix all'));
    assert.deepStrictEqual(own.map((a) => [a.title, a.isPreferred ?? false]), [['Replace with attack.stealth and attack.defense-impairment', true]]);
    assert.ok(await vscode.workspace.applyEdit(own[0].edit!));
    assert.deepStrictEqual([8, 9, 10, 11].map((l) => doc.lineAt(l).text), ['    - attack.stealth', '    - attack.defense-impairment', '    - attack.t1027', '    - attack.t1562.001']);
    await waitFor('the renamed-tactic diagnostic gone', () => (vscode.languages.getDiagnostics(doc.uri).some((d) => codeOf(d) === 'attack-lens/renamed-tactic') ? undefined : true));
  });

  it('Check rules against ATT&CK data lists it as renamed and applies its fix', async () => {
    const rel = await scratch('renamed-sentinel.yaml', SENTINEL);
    const check = (options: unknown) => vscode.commands.executeCommand<CheckRulesResult>('attackLens.checkRulesAgainstAttack', options);
    const mine = (r: CheckRulesResult) => r.items.filter((i) => i.path.endsWith('renamed-sentinel.yaml'));
    const listed = await waitFor('the scratch rule in the check', async () => {
      const items = mine(await check({ show: false }));
      return items.length ? items : undefined;
    });
    assert.deepStrictEqual(listed.map((i) => [i.category, i.code, i.line, i.text, i.fix]), [['renamed', 'attack-lens/renamed-tactic', 5, 'DefenseEvasion', 'Replace with DefenseImpairment']]);
    const r = await check({ show: false, fix: listed[0] });
    assert.strictEqual(r.fixedItem, true);
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(workspaceUri(rel)));
    assert.strictEqual(text, SENTINEL.replace('  - DefenseEvasion', '  - DefenseImpairment'));
    assert.deepStrictEqual(mine(r), [], 'nothing left for the file');
  });
});
