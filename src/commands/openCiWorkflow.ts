import * as vscode from 'vscode';
import { LensContext } from '../context';
import { yamlBlockFor } from '../core/markdownBlocks';

// "Open the GitHub Actions workflow" (the walkthrough's CLI step): the README's GitHub Actions
// recipe (the yaml block that starts with its file name) as an untitled document that saves to
// .github/workflows/attack-lens.yml in the first workspace folder. The README is the one copy:
// test/unit/cli-recipes.test.ts runs that block's commands. Returns the document's URI string.

const WORKFLOW_FILE = '.github/workflows/attack-lens.yml';

export function registerOpenCiWorkflowCommand(lens: LensContext): vscode.Disposable {
  return vscode.commands.registerCommand('attackLens.openCiWorkflow', async () => {
    const readme = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(lens.extension.extensionUri, 'README.md')));
    const content = yamlBlockFor(readme, WORKFLOW_FILE);
    if (!content) throw new Error(`the README has no ${WORKFLOW_FILE} recipe`);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    let document: vscode.TextDocument;
    if (folder) {
      document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, WORKFLOW_FILE).with({ scheme: 'untitled' }));
      const edit = new vscode.WorkspaceEdit();
      edit.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), content);
      await vscode.workspace.applyEdit(edit);
    } else document = await vscode.workspace.openTextDocument({ language: 'yaml', content });
    await vscode.window.showTextDocument(document);
    return document.uri.toString();
  });
}
