import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateApi, EXTENSION_ID, waitFor } from '../../host/inHost';
import { waitForUiText } from '../../host/uiProbe';

// The walkthrough (package.json contributes.walkthroughs): each step's button is a command link;
// every linked command exists, and running each does what its step says.

interface Step {
  readonly id: string;
  readonly description: string;
  readonly media: { readonly markdown?: string; readonly image?: string };
}

interface Link {
  readonly step: string;
  readonly command: string;
  readonly args: unknown[];
}

function walkthroughSteps(): Step[] {
  const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { walkthroughs: { id: string; steps: Step[] }[] } };
  const walkthrough = manifest.contributes.walkthroughs.find((w) => w.id === 'attackLens.gettingStarted');
  assert.ok(walkthrough, 'the attackLens.gettingStarted walkthrough');
  return walkthrough.steps;
}

function links(): Link[] {
  return walkthroughSteps().flatMap((s) =>
    [...s.description.matchAll(/\]\(command:([\w.]+)(?:\?([^)]*))?\)/g)].map((m) => {
      const args = m[2] ? (JSON.parse(decodeURIComponent(m[2])) as unknown) : undefined;
      return { step: s.id, command: m[1], args: args === undefined ? [] : Array.isArray(args) ? args : [args] };
    }),
  );
}

async function closeEditors(): Promise<void> {
  // Untitled samples close without a save prompt.
  while (vscode.window.activeTextEditor) {
    const before = vscode.window.activeTextEditor;
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    if (vscode.window.activeTextEditor === before) break;
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** The sample the command opened (its URI string), which must be the active editor. */
function activeSample(uri: unknown): { editor: vscode.TextEditor; at: vscode.Position } {
  const editor = vscode.window.activeTextEditor;
  assert.ok(editor, 'an editor is open');
  assert.strictEqual(editor.document.uri.toString(), uri, `the sample is the active editor (open: ${vscode.workspace.textDocuments.map((d) => d.uri.toString()).join(', ')})`);
  assert.strictEqual(editor.document.uri.scheme, 'untitled');
  assert.strictEqual(editor.document.languageId, 'yaml');
  return { editor, at: editor.selection.active };
}

/** What each step's command must do, by step: the test fails for a step without a check. */
const checks: Record<string, (run: () => Thenable<unknown>) => Promise<void>> = {
  hover: async (run) => {
    const { editor, at } = activeSample(await run());
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, at);
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /T1027/);
    assert.match(text, /Obfuscated Files or Information/);
  },
  complete: async (run) => {
    const { editor, at } = activeSample(await run());
    const last = editor.document.lineAt(editor.document.lineCount - 1);
    assert.match(last.text, /^\s+- attack\.$/, `the last line of ${JSON.stringify(editor.document.getText().slice(-60))}`);
    assert.ok(at.isEqual(last.range.end), `the cursor at ${at.line}:${at.character}, the tag ends at ${last.range.end.line}:${last.range.end.character}`);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, at);
    // Ours are the items with a description (other providers may add words of the document).
    const labels = list.items.filter((i) => typeof i.label !== 'string' && i.label.description).map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(labels.some((l) => /^attack\.t\d{4}$/.test(l)), `techniques among ${labels.slice(0, 10).join(', ')}`);
    assert.ok(labels.every((l) => l.startsWith('attack.')), 'in the Sigma tag spelling');
  },
  fix: async (run) => {
    const { editor, at } = activeSample(await run());
    assert.strictEqual(editor.document.getText(editor.document.getWordRangeAtPosition(at, /attack\.t\d+/)), 'attack.t1086');
    const diagnostic = await waitFor('the revoked diagnostic', () => vscode.languages.getDiagnostics(editor.document.uri).find((d) => d.range.contains(at)));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, diagnostic.range);
    assert.ok(actions.some((a) => /^Replace with T1059\.001\b/.test(a.title)), actions.map((a) => a.title).join(' | '));
  },
  coverage: async (run) => {
    const api = await activateApi();
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await waitFor('the Coverage view hidden', () => api.coverageTree.viewState.visible === false);
    await run();
    await waitFor('the Coverage view shown', () => api.coverageTree.viewState.visible);
  },
  profile: async (run) => {
    const running = run();
    await waitForUiText('.quick-input-widget', /\S/);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await running;
  },
  matrix: async (run) => {
    await run();
    await waitFor('the matrix panel', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('attackLens.coverageMatrix')));
  },
  ci: async (run) => {
    const uri = (await run()) as string;
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor && editor.document.uri.toString() === uri, 'the workflow is the active editor');
    assert.strictEqual(editor.document.uri.scheme, 'untitled');
    assert.match(editor.document.uri.path, /\/\.github\/workflows\/attack-lens\.yml$/);
    assert.match(editor.document.getText(), /^# \.github\/workflows\/attack-lens\.yml\n/);
    assert.match(editor.document.getText(), /attack-lens check rules\//);
  },
};

describe('walkthrough: Get started with ATT&CK Lens', function () {
  this.timeout(60_000);
  afterEach(closeEditors);

  it('has the seven steps, each with a command link and markdown media shipped with the extension', async () => {
    const steps = walkthroughSteps();
    assert.deepStrictEqual(steps.map((s) => s.id), ['hover', 'complete', 'fix', 'coverage', 'profile', 'matrix', 'ci']);
    const root = vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri;
    for (const s of steps) {
      assert.ok(links().some((l) => l.step === s.id), `${s.id} has a button`);
      assert.ok(s.media.markdown, `${s.id} has markdown media`);
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, s.media.markdown)));
      assert.ok(!/https?:\/\/|<img|!\[/.test(text), `${s.id}'s media loads nothing remote`);
    }
  });

  it('links only commands that exist', async () => {
    await activateApi();
    const commands = new Set(await vscode.commands.getCommands(true));
    for (const l of links()) assert.ok(commands.has(l.command), `${l.step}: ${l.command}`);
  });

  for (const step of ['hover', 'complete', 'fix', 'coverage', 'profile', 'matrix', 'ci']) {
    it(`step "${step}": its button does what the step says`, async () => {
      await activateApi();
      const link = links().find((l) => l.step === step);
      assert.ok(link, `${step} has a button`);
      assert.ok(checks[step], `a check for ${step}`);
      await checks[step](() => vscode.commands.executeCommand(link.command, ...link.args));
    });
  }
});
