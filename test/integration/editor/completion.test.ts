import * as assert from 'assert';
import * as vscode from 'vscode';
import { waitForUiText } from '../../host/uiProbe';
import { attackCompletions, extensionApi, insertTextOf, labelOf, openFixture, positionOf, removeScratch, typing, visible } from './helpers';

// ATT&CK completion through VS Code's own command, in each format's slots, on real files of the
// fixture workspace and on scratch files typed into the workspace.

const SIGMA_HEAD = 'title: Typing a rule\nstatus: test\nlogsource:\n    product: windows\ndetection:\n    sel:\n        Image: x\n    condition: sel\ntags:\n    - attack.execution\n';

describe('ATT&CK completion', () => {
  before(async () => {
    await extensionApi();
  });
  after(removeScratch);

  it('Sigma tag: lowercase tags by ID prefix, sub-techniques right after the parent, revoked T1086 not offered', async () => {
    const doc = await openFixture('sigma/proc_creation_win_powershell_encoded.yml');
    const items = await attackCompletions(doc, positionOf(doc, '- attack.t1059.001', '- attack.t1059'.length));
    const labels = items.map(labelOf);
    assert.strictEqual(labels[0], 'attack.t1059');
    assert.strictEqual(labels[1], 'attack.t1059.001');
    assert.ok(labels.every((l) => l.startsWith('attack.t1059')), labels.join());
    assert.strictEqual(insertTextOf(items[1]), 'attack.t1059.001');
    const range = items[1].range as { inserting: vscode.Range; replacing: vscode.Range };
    assert.strictEqual(doc.getText(range.replacing), 'attack.t1059.001', 'replaces the whole tag');

    const old = await attackCompletions(doc, positionOf(doc, '- attack.t1086', '- attack.t108'.length));
    assert.ok(old.length > 0);
    assert.ok(!old.map(labelOf).includes('attack.t1086'), 'revoked T1086 is not offered');
  });

  it('Sigma tag: powersh offers T1059.001, cozy offers G0016; details resolve to Markdown', async () => {
    const ps = await typing('ps.yml', SIGMA_HEAD + '    - powersh|\n');
    const items = await attackCompletions(ps.doc, ps.at, 3);
    const shown = visible(items, 'powersh');
    assert.strictEqual(labelOf(shown[0]), 'attack.t1059.001', shown.map(labelOf).join());
    assert.strictEqual((shown[0].label as vscode.CompletionItemLabel).detail, ' Command and Scripting Interpreter: PowerShell');
    assert.strictEqual(insertTextOf(shown[0]), 'attack.t1059.001');
    const range = shown[0].range as { inserting: vscode.Range; replacing: vscode.Range };
    assert.strictEqual(ps.doc.getText(range.replacing), 'powersh', 'replaces what was typed');
    assert.ok(shown.every((i) => /^attack\.[a-z0-9.-]+$/.test(labelOf(i))), 'Sigma spelling only');

    const cozy = await typing('cozy.yml', SIGMA_HEAD + '    - cozy|\n');
    const groups = visible(await attackCompletions(cozy.doc, cozy.at), 'cozy');
    const group = groups.find((i) => labelOf(i) === 'attack.g0016');
    assert.ok(group, `G0016 offered for cozy: ${groups.map(labelOf).join()}`);
    assert.ok(groups.indexOf(group) < 3, groups.map(labelOf).join());
    assert.strictEqual((group.label as vscode.CompletionItemLabel).detail, ' APT29');
    assert.strictEqual((group.label as vscode.CompletionItemLabel).description, 'Group');

    const resolved = items.find((i) => i.documentation);
    assert.ok(resolved, 'the first items resolve with documentation');
    const md = resolved.documentation as vscode.MarkdownString;
    assert.ok(md.value.includes('PowerShell') && md.value.length > 50, md.value);
    assert.ok(!md.isTrusted);
  });

  // visible() models VS Code's filter; here VS Code's own suggest widget, typed into like a user,
  // must keep and put first what visible() predicts, so a wrong model fails instead of agreeing with itself.
  for (const [name, text, typed] of [
    ['widget-ps.yml', SIGMA_HEAD + '    - powersh|\n', 'powersh'],
    ['widget-cozy.yml', SIGMA_HEAD + '    - cozy|\n', 'cozy'],
    ['widget-t15.yml', SIGMA_HEAD.replace('attack.execution', 'attack.persistence') + '    - attack.t15|\n', 'attack.t15'],
    ['widget-notes.md', 'Seen with T1059.00| in the wild.\n', 'T1059.00'],
  ] as const) {
    it(`the suggest widget shows what visible() predicts for ${typed}`, async () => {
      const { doc, at } = await typing(name, text);
      const predicted = visible(await attackCompletions(doc, at), typed);
      assert.ok(predicted.length > 0, `something is predicted for ${typed}`);
      const editor = await vscode.window.showTextDocument(doc);
      editor.selection = new vscode.Selection(at, at);
      try {
        await vscode.commands.executeCommand('editor.action.triggerSuggest');
        const first = labelOf(predicted[0]);
        const row = await waitForUiText('.editor-widget.suggest-widget .monaco-list-row[data-index="0"]', new RegExp(`\\S`), { timeoutMs: 15_000 });
        assert.ok(row.trim().startsWith(first), `VS Code shows first ${JSON.stringify(row)}, visible() predicts ${first}`);
      } finally {
        await vscode.commands.executeCommand('hideSuggestWidget');
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      }
    });
  }

  it('Sigma tag: what the rule already tags is not offered again (attack.powersh with attack.t1059.001 tagged)', async () => {
    const tagged = await typing('tagged.yml', SIGMA_HEAD + '    - attack.t1059.001\n    - attack.powersh|\n');
    const offered = (await attackCompletions(tagged.doc, tagged.at)).map(labelOf);
    assert.ok(offered.length > 0, 'something is still offered for powersh');
    assert.ok(!offered.includes('attack.t1059.001'), `the tag the rule has is left out: ${offered.join()}`);
    assert.ok(!offered.includes('attack.execution'), 'so is the tactic it has');
    // The same rule without the tag: offered, first among what VS Code keeps.
    const untagged = await typing('untagged.yml', SIGMA_HEAD + '    - attack.powersh|\n');
    assert.strictEqual(labelOf(visible(await attackCompletions(untagged.doc, untagged.at), 'attack.powersh')[0]), 'attack.t1059.001');
  });

  it('Splunk: kerber shows T1558 first and its sub-technique T1558.003 after it in the suggest widget (sub-techniques follow their parent)', async () => {
    const { doc, at } = await typing('kerber.yml', 'name: Kerberos\nsearch: x\ntags:\n  mitre_attack_id:\n  - kerber|\n');
    const ids = visible(await attackCompletions(doc, at), 'kerber').map(labelOf);
    assert.ok(ids.indexOf('T1558') >= 0 && ids.indexOf('T1558') < ids.indexOf('T1558.003'), ids.join());
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(at, at);
    try {
      await vscode.commands.executeCommand('editor.action.triggerSuggest');
      const list = await waitForUiText('.editor-widget.suggest-widget .monaco-list', /T1558\.003/, { timeoutMs: 15_000 });
      const first = await waitForUiText('.editor-widget.suggest-widget .monaco-list-row[data-index="0"]', /\S/);
      assert.match(first.trim(), /^T1558(?!\.)/, `VS Code shows first ${JSON.stringify(first)}`);
      assert.ok(list.indexOf('T1558.003') > list.search(/T1558(?!\.)/), list.slice(0, 300));
    } finally {
      await vscode.commands.executeCommand('hideSuggestWidget');
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  it('Sigma tag: techniques of the tactic the rule names come first', async () => {
    const { doc, at } = await typing('boost.yml', SIGMA_HEAD.replace('attack.execution', 'attack.persistence') + '    - attack.t15|\n');
    const shown = visible(await attackCompletions(doc, at), 'attack.t15');
    assert.ok(shown.length > 20, shown.map(labelOf).join());
    const persistence = (i: vscode.CompletionItem) => !!(i.label as vscode.CompletionItemLabel).description?.includes('Persistence');
    const firstOther = shown.findIndex((i) => !persistence(i));
    assert.ok(firstOther > 0, 'a Persistence technique first');
    assert.ok(shown.slice(firstOther).every((i) => !persistence(i)), 'all Persistence techniques before the rest');
    assert.ok(shown.some((i) => labelOf(i) === 'attack.t1566'), 'T1566 Phishing (Initial Access) still offered, after them');
  });

  it('no completion in title, detection or other lists of a Sigma rule', async () => {
    const doc = await openFixture('sigma/proc_creation_win_powershell_encoded.yml');
    for (const [needle, offset] of [['title: Suspicious', 10], ["- ' -enc '", 5], ['- Software deployment', 6]] as const) {
      assert.deepStrictEqual(await attackCompletions(doc, positionOf(doc, needle, offset)), [], needle);
    }
  });

  it('Splunk mitre_attack_id: uppercase technique IDs only', async () => {
    const doc = await openFixture('splunk/windows_powershell_encoded_command.yml');
    const items = await attackCompletions(doc, positionOf(doc, '  - T1027', '  - T10'.length));
    assert.ok(items.length > 10);
    assert.ok(items.every((i) => /^T10\d\d(\.\d{3})?$/.test(labelOf(i))), items.map(labelOf).slice(0, 5).join());
    assert.strictEqual(insertTextOf(items[0]), labelOf(items[0]));
    assert.ok(!items.map(labelOf).includes('T1086'));
    assert.deepStrictEqual(await attackCompletions(doc, positionOf(doc, '  - Malicious PowerShell', 8)), [], 'analytic_story');
  });

  it('Sentinel tactics (names without spaces) and relevantTechniques (IDs)', async () => {
    const doc = await openFixture('sentinel/PowerShellEncodedCommand.yaml');
    const tactics = await attackCompletions(doc, positionOf(doc, '  - DefenseEvasion', '  - Def'.length));
    assert.strictEqual(labelOf(tactics[0]), 'DefenseEvasion');
    assert.ok(tactics.every((i) => !labelOf(i).includes(' ')));
    const all = await attackCompletions(doc, positionOf(doc, '  - Execution', 4));
    assert.ok(all.map(labelOf).includes('CommandAndControl'));
    const techniques = await attackCompletions(doc, positionOf(doc, '  - T1059', '  - T1059'.length));
    assert.strictEqual(labelOf(techniques[0]), 'T1059');
    assert.strictEqual(insertTextOf(techniques[0]), 'T1059');
  });

  it('Elastic technique id: additionalTextEdits rewrite name and reference', async () => {
    const doc = await openFixture('elastic/execution_powershell_encoded.toml');
    const at = positionOf(doc, 'id = "T1027"', 'id = "'.length);
    const items = await attackCompletions(doc, at);
    assert.ok(items.every((i) => !labelOf(i).includes('.')), 'parents only in a technique table');
    const t1036 = items.find((i) => labelOf(i) === 'T1036')!;
    assert.ok(t1036, 'T1036 offered');
    assert.strictEqual(insertTextOf(t1036), 'T1036');
    const edits = (t1036.additionalTextEdits ?? []).map((e) => [e.range.start.line, e.newText]);
    assert.deepStrictEqual(edits, [
      [positionOf(doc, 'name = "Obfuscated').line, 'name = "Masquerading"'],
      [positionOf(doc, 'reference = "https://attack.mitre.org/techniques/T1027/"').line, 'reference = "https://attack.mitre.org/techniques/T1036/"'],
    ]);
    const first = items[0];
    assert.ok((first.label as vscode.CompletionItemLabel).description?.includes('Defense Evasion'), 'techniques of the entry tactic first');
    const sub = await attackCompletions(doc, positionOf(doc, 'id = "T1059.001"', 'id = "'.length));
    assert.ok(labelOf(sub[0]).startsWith('T1059.'), 'sub-techniques of the parent first');
  });

  it('YARA-L meta: tactic names, technique names or IDs', async () => {
    const doc = await openFixture('yaral/powershell_encoded.yaral');
    assert.strictEqual(doc.languageId, 'yaral');
    const tactics = await attackCompletions(doc, positionOf(doc, '"Execution"', 4));
    assert.strictEqual(labelOf(tactics[0]), 'Execution');
    const ids = visible(await attackCompletions(doc, positionOf(doc, ', T1027', ', T1027'.length)), 'T1027');
    assert.deepStrictEqual(ids.map(labelOf).slice(0, 2), ['T1027', 'T1027.001']);
    assert.strictEqual(insertTextOf(ids[0]), 'T1027');
    const range = ids[0].range as { inserting: vscode.Range; replacing: vscode.Range };
    assert.strictEqual(doc.getText(range.replacing), 'T1027', 'replaces only its element of the comma-separated list');
    const byPrefix = visible(await attackCompletions(doc, positionOf(doc, ', T1027', ', T10'.length)), 'T10');
    assert.deepStrictEqual(byPrefix.map(labelOf).slice(0, 2), ['T1001', 'T1001.001'], 'ID order for a bare prefix');
    const names = await attackCompletions(doc, positionOf(doc, '"Command and Scripting', 8));
    assert.ok(names.map(labelOf).includes('Command and Scripting Interpreter: PowerShell'));
  });

  it('Markdown notes: bare IDs by prefix', async () => {
    const { doc, at } = await typing('notes.md', '# Notes\n\nSeen with G001| and more.\n');
    const items = await attackCompletions(doc, at);
    assert.strictEqual(labelOf(items[0]), 'G0010');
  });
});
