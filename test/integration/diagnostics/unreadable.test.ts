import * as assert from 'assert';
import * as vscode from 'vscode';
import { codeOf, diagnosticsOf, extensionApi } from './helpers';

// A Sigma rule whose tags were pasted with a trailing dot and a zero-width space: both tags
// show a diagnostic with a preferred quick fix, instead of counting silently for nothing.

describe('unreadable ATT&CK references', () => {
  before(async () => {
    await extensionApi();
  });

  it('a trailing dot and a zero-width character in Sigma tags each get a diagnostic and a quick fix', async () => {
    const { doc, diagnostics } = await diagnosticsOf('sigma/proc_creation_win_unreadable.yml', (ds) => ds.filter((d) => codeOf(d) === 'attack-lens/unreadable-reference').length >= 2);
    const unreadable = diagnostics.filter((d) => codeOf(d) === 'attack-lens/unreadable-reference').sort((a, b) => a.range.start.line - b.range.start.line);
    assert.deepStrictEqual(
      unreadable.map((d) => [doc.getText(d.range), d.severity, d.message]),
      [
        ['attack.t1059.001.', vscode.DiagnosticSeverity.Warning, 'attack.t1059.001. cannot be read as an ATT&CK reference: it has a trailing "."'],
        ['attack.t\u200b1047', vscode.DiagnosticSeverity.Warning, 'attack.t<U+200B>1047 cannot be read as an ATT&CK reference: it has a zero-width character (U+200B)'],
      ],
    );
    const expected = ['attack.t1059.001', 'attack.t1047'];
    for (const [i, d] of unreadable.entries()) {
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, d.range, vscode.CodeActionKind.QuickFix.value);
      const fix = actions.find((a) => a.title === `Change to ${expected[i]}`);
      assert.ok(fix, `a quick fix for ${doc.getText(d.range)}: ${actions.map((a) => a.title).join(', ')}`);
      assert.strictEqual(fix.isPreferred, true);
      const edits = fix.edit?.get(doc.uri) ?? [];
      assert.deepStrictEqual(edits.map((e) => [e.range.isEqual(d.range), e.newText]), [[true, expected[i]]]);
    }
  });
});
