import * as assert from 'assert';
import * as vscode from 'vscode';
import { attackCompletions, attackHover, extensionApi, insertTextOf, labelOf, openFixture, positionOf, removeScratch, scratch, typing, visible } from './helpers';

// What the completion, hover and diagnostics suites leave out per format: Splunk and YARA-L
// hovers, Sentinel and Markdown inserted text, Elastic tactic completion, and diagnostics with
// their ranges plus the applied quick fix for Splunk, Sentinel, YARA-L and Markdown (the
// diagnostics suite applies fixes to Sigma and Elastic rules).

const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'ATT&CK Lens');
const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));
const where = (d: vscode.Diagnostic) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${codeOf(d)}`;

async function settled(doc: vscode.TextDocument, count: number): Promise<vscode.Diagnostic[]> {
  const deadline = Date.now() + 5_000;
  while (ours(doc.uri).length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return ours(doc.uri).sort((a, b) => a.range.start.compareTo(b.range.start));
}

/** Applies the diagnostic's preferred quick fix; returns its title. */
async function applyFix(doc: vscode.TextDocument, d: vscode.Diagnostic): Promise<string> {
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, d.range, vscode.CodeActionKind.QuickFix.value);
  const fix = actions.find((a) => a.isPreferred && a.edit && !a.title.startsWith('Fix all'));
  assert.ok(fix, `a preferred fix for ${where(d)}: ${actions.map((a) => a.title).join(' | ')}`);
  assert.ok(await vscode.workspace.applyEdit(fix.edit!));
  return fix.title;
}

describe('ATT&CK editor features per format', () => {
  before(async () => {
    await extensionApi();
  });
  after(removeScratch);

  it('Splunk ESCU: hover on a technique ID; malformed and revoked IDs flagged at their range and fixed', async () => {
    const fixture = await openFixture('splunk/windows_powershell_encoded_command.yml');
    const hover = await attackHover(fixture, positionOf(fixture, '  - T1027', 6));
    assert.ok(hover?.text.includes('T1027 Obfuscated Files or Information'), hover?.text);
    assert.strictEqual(fixture.getText(hover!.hover.range), 'T1027');

    const text = (await vscode.workspace.fs.readFile(fixture.uri)).toString().replace('  - T1059.001\n  - T1027\n', '  - T1059.1\n  - T1086\n');
    const doc = await scratch('splunk_fix.yml', text);
    const line = (s: string) => doc.getText().split('\n').indexOf(s);
    const ds = await settled(doc, 2);
    assert.deepStrictEqual(ds.map(where), [`${line('  - T1059.1')}:4-${line('  - T1059.1')}:11 attack-lens/malformed-id`, `${line('  - T1086')}:4-${line('  - T1086')}:9 attack-lens/revoked`]);
    assert.strictEqual(await applyFix(doc, ds[0]), 'Change to T1059.001');
    assert.strictEqual(await applyFix(doc, (await settled(doc, 1)).find((d) => codeOf(d) === 'attack-lens/revoked')!), 'Replace with T1059.001 (PowerShell)');
    assert.ok(doc.getText().includes('  mitre_attack_id:\n  - T1059.001\n  - T1059.001\n'), doc.getText());
  });

  it('Sentinel: tactic completion inserts the name without spaces; unknown tactic and revoked technique fixed', async () => {
    // The fixture's KQL has pipes: no `|` marker here.
    const typed = await scratch('sentinel_typing.yaml', (await openFixture('sentinel/PowerShellEncodedCommand.yaml')).getText().replace('  - DefenseEvasion', '  - priv'));
    const at = positionOf(typed, '  - priv');
    const shown = visible(await attackCompletions(typed, at), 'priv');
    assert.strictEqual(labelOf(shown[0]), 'PrivilegeEscalation');
    assert.strictEqual(insertTextOf(shown[0]), 'PrivilegeEscalation');

    const base = (await openFixture('sentinel/PowerShellEncodedCommand.yaml')).getText();
    const doc = await scratch('sentinel_fix.yaml', base.replace('  - DefenseEvasion', '  - DefenceEvasion').replace('  - T1027', '  - T1086'));
    const line = (s: string) => doc.getText().split('\n').indexOf(s);
    const ds = await settled(doc, 2);
    assert.deepStrictEqual(ds.map(where), [`${line('  - DefenceEvasion')}:4-${line('  - DefenceEvasion')}:18 attack-lens/unknown-tactic`, `${line('  - T1086')}:4-${line('  - T1086')}:9 attack-lens/revoked`]);
    assert.strictEqual(await applyFix(doc, ds[0]), 'Change to DefenseEvasion');
    await applyFix(doc, (await settled(doc, 1)).find((d) => codeOf(d) === 'attack-lens/revoked')!);
    assert.ok(doc.getText().includes('tactics:\n  - Execution\n  - DefenseEvasion\nrelevantTechniques:\n  - T1059\n  - T1059.001\n'), doc.getText());
    await new Promise((r) => setTimeout(r, 400));
    assert.deepStrictEqual(ours(doc.uri).map(where), [], 'nothing left to report');
  });

  it('an open document is read in its new format when attackLens.files changes it', async () => {
    const doc = await scratch('format_switch.yml', 'title: Switch\nlogsource:\n    product: windows\ndetection:\n    sel:\n        a: b\n    condition: sel\ntags:\n    - attack.execution\n');
    const at = positionOf(doc, 'attack.exec');
    assert.ok((await attackHover(doc, at))?.text.includes('TA0002 Execution'), 'a Sigma tactic tag');
    const config = vscode.workspace.getConfiguration('attackLens');
    try {
      await config.update('files', { '**/*.{yml,yaml}': 'auto', '**/format_switch.yml': 'generic' }, vscode.ConfigurationTarget.Workspace);
      // As plain text, only bare IDs are ATT&CK references: the tag is just a word now.
      assert.strictEqual(await attackHover(doc, at), undefined);
    } finally {
      await config.update('files', undefined, vscode.ConfigurationTarget.Workspace);
    }
    assert.ok((await attackHover(doc, at))?.text.includes('TA0002 Execution'), 'Sigma again');
  });

  it('YARA-L: hover on a technique ID and a tactic name; a revoked ID in a comma-separated list fixed in place', async () => {
    const fixture = await openFixture('yaral/powershell_encoded.yaral');
    const id = await attackHover(fixture, positionOf(fixture, ', T1027', 4));
    assert.ok(id?.text.includes('T1027 Obfuscated Files or Information'), id?.text);
    assert.strictEqual(fixture.getText(id!.hover.range), 'T1027');
    assert.ok((await attackHover(fixture, positionOf(fixture, '"Execution"', 3)))?.text.includes('TA0002 Execution'));
    assert.ok((await attackHover(fixture, positionOf(fixture, 'Interpreter: PowerShell', 3)))?.text.includes('T1059\\.001 PowerShell'), 'hover on a Parent: Sub name');

    const doc = await scratch('yaral_fix.yaral', fixture.getText().replace('"T1059.001, T1027"', '"T1086, T1027"'));
    const line = doc.getText().split('\n').findIndex((l) => l.includes('T1086'));
    const col = doc.lineAt(line).text.indexOf('T1086');
    const ds = await settled(doc, 1);
    assert.deepStrictEqual(ds.map(where), [`${line}:${col}-${line}:${col + 5} attack-lens/revoked`]);
    await applyFix(doc, ds[0]);
    assert.ok(doc.lineAt(line).text.endsWith('= "T1059.001, T1027"'), doc.lineAt(line).text);
  });

  it('Markdown: bare IDs complete with the ID inserted; an unknown ID is information, a revoked one is fixed', async () => {
    const { doc: typed, at } = await typing('typing.md', 'Seen with T1059.00| in the wild.\n');
    const shown = visible(await attackCompletions(typed, at), 'T1059.00');
    assert.strictEqual(labelOf(shown[0]), 'T1059.001');
    assert.strictEqual(insertTextOf(shown[0]), 'T1059.001');
    assert.strictEqual((shown[0].label as vscode.CompletionItemLabel).detail, ' Command and Scripting Interpreter: PowerShell');

    const doc = await scratch('fix.md', '# Notes\n\nThe old T1086 and the made-up T1999 here.\n');
    const ds = await settled(doc, 2);
    assert.deepStrictEqual(ds.map(where), ['2:8-2:13 attack-lens/revoked', '2:30-2:35 attack-lens/unknown-id']);
    assert.strictEqual(ds[1].severity, vscode.DiagnosticSeverity.Information, 'bare IDs in prose may be something else');
    await applyFix(doc, ds[0]);
    assert.strictEqual(doc.lineAt(2).text, 'The old T1059.001 and the made-up T1999 here.');
  });

  it('Elastic: tactic id completion fills name and reference; the tactics of the entry\'s techniques first', async () => {
    const fixture = await openFixture('elastic/execution_powershell_encoded.toml');
    const at = positionOf(fixture, 'id = "TA0002"', 'id = "TA'.length);
    const shown = visible(await attackCompletions(fixture, at), 'TA');
    assert.strictEqual(labelOf(shown[0]), 'TA0002', 'Execution: the tactic of T1059 in this entry');
    const persistence = shown.find((i) => labelOf(i) === 'TA0003')!;
    assert.strictEqual(insertTextOf(persistence), 'TA0003');
    const edits = (persistence.additionalTextEdits ?? []).map((e) => [e.range.start.line, e.newText]);
    assert.deepStrictEqual(edits, [
      [positionOf(fixture, 'name = "Execution"').line, 'name = "Persistence"'],
      [positionOf(fixture, 'reference = "https://attack.mitre.org/tactics/TA0002/"').line, 'reference = "https://attack.mitre.org/tactics/TA0003/"'],
    ]);
  });
});
