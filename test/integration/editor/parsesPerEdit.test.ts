import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { waitFor } from '../../host/inHost';
import { extensionApi, openFixture, positionOf, removeScratch, scratch } from './helpers';

// One parse per edit: after each edit of an open Sigma rule, the diagnostics, completion, hover,
// document links and code actions all answer, and the rule-parsing service parsed the document
// once for all of them. The counts go to test-results/editor-parses.json for `npm run bench`.

const projectRoot = path.resolve(__dirname, '..', '..', '..', '..');
const EDITS = 6;

function ourDiagnosticOnLine(uri: vscode.Uri, line: number): boolean {
  return vscode.languages.getDiagnostics(uri).some((d) => d.source === 'ATT&CK Lens' && d.range.start.line === line);
}

describe('ATT&CK editor features: one parse per edit', () => {
  after(removeScratch);

  it('parses an edited document once for diagnostics, completion, hover, links and code actions', async () => {
    const api = await extensionApi();
    const fixture = await openFixture('sigma/proc_creation_win_powershell_encoded.yml');
    const doc = await scratch('parses_per_edit.yml', fixture.getText());
    const editor = await vscode.window.showTextDocument(doc);
    const firstInserted = positionOf(doc, '    - attack.t1086\n', 0).line + 1;
    const parses: number[] = [];
    for (let i = 0; i < EDITS; i++) {
      const line = firstInserted + i;
      const before = api.lens.parsing.documentParses;
      assert.ok(await editor.edit((b) => b.insert(new vscode.Position(line, 0), '    - attack.t1086\n')));
      // The diagnostics of this version: the revoked tag just inserted is reported on its line.
      await waitFor(`a diagnostic on inserted line ${line + 1}`, () => ourDiagnosticOnLine(doc.uri, line));
      const tag = new vscode.Position(line, '    - attack.t10'.length);
      const [completion, hover, links, actions] = await Promise.all([
        vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, tag),
        vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, tag),
        vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', doc.uri),
        vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(tag, tag), vscode.CodeActionKind.QuickFix.value),
      ]);
      const labels = completion.items.map((c) => (typeof c.label === 'string' ? c.label : c.label.label));
      assert.ok(labels.includes('attack.t1059.003'), 'completion answered');
      assert.ok(!labels.includes('attack.t1059.001'), 'completion read this version: the rule tags attack.t1059.001 already');
      assert.ok(
        hover.some((h) => h.contents.some((c) => /T1086/.test(typeof c === 'string' ? c : c.value))),
        'hover answered',
      );
      assert.ok(links.some((l) => l.range.start.line === line), 'a link on the inserted tag');
      assert.ok(actions.length > 0, 'code actions answered');
      parses.push(api.lens.parsing.documentParses - before);
    }
    const dir = path.join(projectRoot, 'test-results');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'editor-parses.json'), JSON.stringify({ parsesPerEdit: parses, measuredAt: new Date().toISOString(), vscode: vscode.version }));
    assert.deepStrictEqual(parses, new Array(EDITS).fill(1), 'one parse per edit');
  });
});
