import * as vscode from 'vscode';
import { LensContext } from '../context';
import { DIAGNOSTIC_SOURCE } from '../editor/diagnostics';

// "Open a sample rule" (the walkthrough's first steps): the Sigma rule shipped in
// media/walkthrough/sample-rule.yml as an untitled YAML document, one per step
// (untitled:sample-rule-<step>.yml, its text set afresh each time). Nothing from the workspace
// is read or run, and nothing is saved unless the user saves it. The argument says what to show:
// 'hover' (the default) puts the cursor on a tag and shows its hover, 'complete' adds an
// `- attack.` tag and opens the suggestions, 'fix' puts the cursor on the revoked tag and opens
// its quick fixes. Returns the document's URI string.

const SAMPLE_RULE = ['media', 'walkthrough', 'sample-rule.yml'];
type SampleStep = 'hover' | 'complete' | 'fix';
/** The tag each step puts the cursor in. */
const TAG: Readonly<Record<Exclude<SampleStep, 'complete'>, string>> = { hover: 'attack.t1027', fix: 'attack.t1086' };
/** How long 'fix' waits for the document's diagnostics before it opens the quick fixes anyway. */
const DIAGNOSTICS_WAIT_MS = 5000;

export function registerOpenSampleRuleCommand(lens: LensContext): vscode.Disposable {
  return vscode.commands.registerCommand('attackLens.openSampleRule', async (arg?: unknown) => {
    const step: SampleStep = arg === 'complete' || arg === 'fix' ? arg : 'hover';
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(lens.extension.extensionUri, ...SAMPLE_RULE));
    let content = new TextDecoder().decode(bytes);
    if (step === 'complete') content = `${content.replace(/\n*$/, '')}\n    - attack.`;
    // A name of its own, not Untitled-N: a just-closed Untitled-1 can come back with its old text.
    const uri = vscode.Uri.from({ scheme: 'untitled', path: `sample-rule-${step}.yml` });
    let document = await vscode.workspace.openTextDocument(uri);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), content);
    await vscode.workspace.applyEdit(edit);
    if (document.languageId !== 'yaml') document = await vscode.languages.setTextDocumentLanguage(document, 'yaml');
    const editor = await vscode.window.showTextDocument(document);
    const at = step === 'complete' ? document.positionAt(content.length) : document.positionAt(content.indexOf(TAG[step]) + 'attack.'.length);
    editor.selection = new vscode.Selection(at, at);
    editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    if (step === 'hover') await vscode.commands.executeCommand('editor.action.showHover');
    else if (step === 'complete') await vscode.commands.executeCommand('editor.action.triggerSuggest');
    else {
      // The quick fixes hang on the diagnostic: wait for it to be published.
      await diagnosticsOf(document.uri);
      await vscode.commands.executeCommand('editor.action.quickFix');
    }
    return document.uri.toString();
  });
}

/** Resolves when ATT&CK Lens published diagnostics for the document, or after DIAGNOSTICS_WAIT_MS. */
function diagnosticsOf(uri: vscode.Uri): Promise<void> {
  const published = () => vscode.languages.getDiagnostics(uri).some((d) => d.source === DIAGNOSTIC_SOURCE);
  if (published()) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      listener.dispose();
      resolve();
    };
    const timer = setTimeout(done, DIAGNOSTICS_WAIT_MS);
    const listener = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString()) && published()) done();
    });
  });
}
