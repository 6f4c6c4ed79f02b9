import * as assert from 'assert';
import * as vscode from 'vscode';
import { AttackCodeActions } from '../../../src/editor/codeActions';
import { codeOf, diagnosticsOf, extensionApi, waitFor, workspaceUri } from './helpers';

// Each test edits its own copy of the Sigma fixture (the fix-all-revoked test counts the originals).

const copies: vscode.Uri[] = [];

async function copyOf(rel: string, name: string): Promise<string> {
  const bytes = await vscode.workspace.fs.readFile(workspaceUri(rel));
  const copy = `scratch/${name}`;
  await vscode.workspace.fs.writeFile(workspaceUri(copy), bytes);
  copies.push(workspaceUri(copy));
  return copy;
}

/** Saves (so nothing is left dirty) and deletes the copies a test made. */
async function removeCopies(): Promise<void> {
  for (const uri of copies.splice(0)) {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (doc?.isDirty) await doc.save();
    await vscode.workspace.fs.delete(uri, { useTrash: false });
  }
}

/** Every quick fix VS Code offers at the diagnostic's range (the command does not return `diagnostics`). */
async function allQuickFixes(uri: vscode.Uri, d: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
  const all = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, d.range, vscode.CodeActionKind.QuickFix.value);
  return all.filter((a) => a.kind?.value === 'quickfix');
}

/** The fixes for the diagnostic itself, without the file-wide and workspace-wide ones. */
async function quickFixes(uri: vscode.Uri, d: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
  return (await allQuickFixes(uri, d)).filter((a) => !a.title.startsWith('Fix all'));
}

describe('ATT&CK quick fixes', () => {
  before(async () => {
    await extensionApi();
  });
  afterEach(removeCopies);

  it('a revoked tag whose replacement is already tagged: the fix says it removes the tag, and does', async () => {
    const rel = 'scratch/already_tagged.yml';
    await vscode.workspace.fs.writeFile(workspaceUri(rel), new TextEncoder().encode('title: Both\nlogsource:\n    product: windows\ndetection:\n    sel:\n        EventID: 1\n    condition: sel\ntags:\n    - attack.execution\n    - attack.t1086\n    - attack.t1059.001\n'));
    copies.push(workspaceUri(rel));
    const { doc, diagnostics } = await diagnosticsOf(rel, (ds) => ds.some((d) => codeOf(d) === 'attack-lens/revoked'));
    const revoked = diagnostics.find((d) => codeOf(d) === 'attack-lens/revoked')!;
    const fixes = await quickFixes(doc.uri, revoked);
    assert.deepStrictEqual(
      fixes.map((a) => [a.title, a.isPreferred ?? false]),
      [['Remove attack.t1086 (its replacement attack.t1059.001 is already tagged)', true]],
    );
    assert.ok(await vscode.workspace.applyEdit(fixes[0].edit!));
    assert.ok(doc.getText().endsWith('tags:\n    - attack.execution\n    - attack.t1059.001\n'), doc.getText());
  });

  it('replaces a revoked tag with its replacement (preferred fix, diagnostic attached)', async () => {
    const rel = await copyOf('sigma/proc_creation_win_problems.yml', 'revoked.yml');
    const { doc, diagnostics } = await diagnosticsOf(rel, (ds) => ds.length >= 5);
    const revoked = diagnostics.find((d) => codeOf(d) === 'attack-lens/revoked')!;
    const offered = await allQuickFixes(doc.uri, revoked);
    assert.deepStrictEqual(
      offered.map((a) => [a.title, a.isPreferred ?? false, a.command?.command ?? (a.edit ? 'edit' : undefined)]),
      [
        ['Replace with T1059.001 (PowerShell)', true, 'edit'],
        ['Fix all ATT&CK issues in this file (4)', false, 'edit'],
        ['Fix all revoked ATT&CK references in the workspace…', false, 'attackLens.fixAllRevoked'],
      ],
    );
    const actions = offered.slice(0, 1);
    const direct = await new AttackCodeActions((await extensionApi()).lens).provideCodeActions(doc, revoked.range, { diagnostics: [revoked], only: undefined, triggerKind: vscode.CodeActionTriggerKind.Invoke }, new vscode.CancellationTokenSource().token);
    assert.deepStrictEqual(direct.filter((a) => a.title.startsWith('Replace')).map((a) => a.diagnostics), [[revoked]], 'the fix names the diagnostic it fixes');
    assert.ok(await vscode.workspace.applyEdit(actions[0].edit!));
    assert.strictEqual(doc.lineAt(8).text, '    - attack.t1059.001');
    await waitFor('revoked diagnostic gone', () => (vscode.languages.getDiagnostics(doc.uri).some((d) => codeOf(d) === 'attack-lens/revoked') ? undefined : true));
  });

  it('adds the missing tactic tag and fixes an unknown tactic name', async () => {
    const rel = await copyOf('sigma/proc_creation_win_problems.yml', 'tactics.yml');
    const { doc, diagnostics } = await diagnosticsOf(rel, (ds) => ds.length >= 5);
    const missing = diagnostics.find((d) => codeOf(d) === 'attack-lens/missing-tactic')!;
    const add = await quickFixes(doc.uri, missing);
    assert.deepStrictEqual(add.map((a) => a.title), ['Add tag attack.credential-access (Credential Access)']);
    assert.ok(await vscode.workspace.applyEdit(add[0].edit!));
    assert.deepStrictEqual([7, 8, 9].map((l) => doc.lineAt(l).text), ['    - attack.execution', '    - attack.credential-access', '    - attack.t1086']);

    const { diagnostics: after } = await diagnosticsOf(rel, (ds) => ds.length === 4 && !ds.some((d) => codeOf(d) === 'attack-lens/missing-tactic'));
    const tactic = after.find((d) => codeOf(d) === 'attack-lens/unknown-tactic')!;
    assert.strictEqual(tactic.range.start.line, 13);
    const rename = await quickFixes(doc.uri, tactic);
    assert.deepStrictEqual(rename.map((a) => [a.title, a.isPreferred]), [['Change to attack.defense-evasion', true]]);
    assert.ok(await vscode.workspace.applyEdit(rename[0].edit!));
    assert.strictEqual(doc.lineAt(13).text, '    - attack.defense-evasion');
  });

  it('offers "Fix all ATT&CK issues in this file" as source.fixAll.attackLens', async () => {
    const rel = await copyOf('sigma/proc_creation_win_problems.yml', 'fixall.yml');
    const { doc } = await diagnosticsOf(rel, (ds) => ds.length >= 5);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(0, 0, 0, 0), 'source.fixAll.attackLens');
    const fixAll = actions.filter((a) => a.kind?.value === 'source.fixAll.attackLens');
    assert.strictEqual(fixAll.length, 1);
    assert.strictEqual(fixAll[0].title, 'Fix all ATT&CK issues in this file (4)');
    assert.ok(await vscode.workspace.applyEdit(fixAll[0].edit!));
    assert.deepStrictEqual(
      doc.getText().split('\n').slice(6, 14),
      ['tags:', '    - attack.execution', '    - attack.credential-access', '    - attack.t1059.001', '    - attack.t1059.003', '    - attack.t1003.001', '    - attack.t1999', '    - attack.defense-evasion'],
    );
    const { diagnostics } = await diagnosticsOf(rel, (ds) => ds.length === 1);
    assert.deepStrictEqual(diagnostics.map(codeOf), ['attack-lens/unknown-id'], 'T1999 has no close match: left for a person');
  });

  it('fixes Elastic names and references from the ATT&CK data', async () => {
    const rel = await copyOf('elastic/execution_problems.toml', 'elastic.toml');
    const { doc, diagnostics } = await diagnosticsOf(rel, (ds) => ds.length >= 5);
    for (const code of ['attack-lens/name-mismatch', 'attack-lens/reference-mismatch']) {
      const d = diagnostics.find((x) => codeOf(x) === code)!;
      const [fix] = await quickFixes(doc.uri, d);
      assert.ok(await vscode.workspace.applyEdit(fix.edit!));
    }
    assert.strictEqual(doc.lineAt(26).text, 'name = "Command and Scripting Interpreter"');
    assert.strictEqual(doc.lineAt(31).text, 'reference = "https://attack.mitre.org/techniques/T1059/001/"');
  });
});
