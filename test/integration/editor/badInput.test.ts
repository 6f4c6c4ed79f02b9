import * as assert from 'assert';
import * as vscode from 'vscode';
import { extensionApi, removeScratch, scratch, workspaceUri } from './helpers';

// Bad input never breaks the providers: empty text, a huge single line, binary-ish bytes (NULs),
// broken YAML/TOML and random text, as untitled documents of every language we serve and as
// workspace files, at a few positions each (start, end, and seeded random ones). Binary files
// VS Code refuses to open as text: the rule store must skip them and keep the rest.

function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
}

/** Random UTF-16 text with line breaks; `nul` keeps NUL characters (VS Code won't open such files). */
function noise(length: number, seed: number, nul: boolean): string {
  const r = random(seed);
  return Array.from({ length }, () => String.fromCharCode(r() < 0.1 ? 10 : Math.floor(r() * 0xd7ff) || (nul ? 0 : 1))).join('');
}

const SIGMA = 'title: x\nlogsource:\n    product: windows\ndetection:\n    sel:\n        a: b\n    condition: sel\n';

const TEXT_CONTENTS: Record<string, string> = {
  empty: '',
  // Far beyond the longest line the slot reader looks at (4 096) and VS Code's tokenizer (20 000);
  // the 3 MB line below and the diagnostics suite's 2 MB line cover sheer size.
  huge: `tags: [${'attack.t1059.001, '.repeat(16_000)}]`,
  hugeSigma: `${SIGMA}tags: [${'attack.t10, '.repeat(24_000)}]\n`,
  brokenYaml: `${SIGMA}tags:\n    - attack.t1059.001\n  - attack.exec\ndetection: [unclosed\n  condition: {\n`,
  brokenToml: '[rule\nname = "x\n[[rule.threat]]\nframework = "MITRE ATT&CK"\n[[rule.threat.technique]]\nid = "T10\nname = """\n',
  random: noise(20_000, 11, false),
};
const BINARY_TEXT = `\u0000\u0001\u0002PK\u0003\u0004\u0000${SIGMA}tags:\n    - attack.t10\u0000\n[[rule.threat.technique]]\nid = "T10\u0000${noise(2_000, 5, true)}`;

/** Calls every position-based provider at a few positions, and the link provider once; all must answer. */
async function exercise(doc: vscode.TextDocument, seed: number): Promise<void> {
  const r = random(seed);
  const positions = [new vscode.Position(0, 0), doc.lineAt(doc.lineCount - 1).range.end];
  const line = Math.floor(r() * doc.lineCount);
  positions.push(new vscode.Position(line, Math.floor(r() * (doc.lineAt(line).text.length + 1))));
  for (const at of positions) {
    const where = `${doc.uri.toString().slice(0, 80)} ${at.line}:${at.character}`;
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, at);
    assert.ok(list && Array.isArray(list.items), `completion at ${where}`);
    assert.ok(Array.isArray(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at)), `hover at ${where}`);
  }
  assert.ok(Array.isArray(await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', doc.uri)));
  assert.ok(Array.isArray(await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(0, 0, doc.lineCount - 1, 0))));
}

/** Our diagnostics for a document (computed on open, so set by the time the providers answered). */
function attackDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'ATT&CK Lens');
}

describe('ATT&CK editor features on bad input', () => {
  let logged: string[] = [];
  let api: Awaited<ReturnType<typeof extensionApi>>;
  before(async () => {
    api = await extensionApi();
    // Providers catch and log what they can't handle: nothing may reach the log as an error.
    const log = api.lens.log;
    const error = log.error.bind(log);
    log.error = (message: string | Error, ...args: unknown[]) => {
      logged.push(String(message));
      error(message, ...args);
    };
  });
  beforeEach(() => {
    logged = [];
  });
  afterEach(() => {
    assert.deepStrictEqual(logged, [], 'no provider failed');
  });
  after(removeScratch);

  // (code-server has no TOML language: untitled TOML is plain text; .toml files are covered below.)
  for (const language of ['yaml', 'yaral', 'markdown', 'plaintext']) {
    it(`untitled ${language}: empty, huge line, NUL bytes, broken YAML/TOML, random text`, async () => {
      let seed = 1;
      for (const content of [...Object.values(TEXT_CONTENTS), BINARY_TEXT]) {
        const doc = await vscode.workspace.openTextDocument({ language, content });
        assert.strictEqual(doc.getText().length, content.length);
        await exercise(doc, seed++);
        const ours = attackDiagnostics(doc.uri);
        assert.ok(ours.length <= 1 || ours.every((d) => d.range.end.line < doc.lineCount), `${language}: ${ours.map((d) => d.message).join('; ')}`);
      }
    });
  }

  it('workspace .yml and .toml files with the same text (treated by glob and content, not language)', async () => {
    let seed = 100;
    for (const [name, content] of Object.entries(TEXT_CONTENTS)) {
      for (const ext of ['yml', 'toml']) await exercise(await scratch(`${name}.${ext}`, content), seed++);
    }
  });

  it('binary workspace files: VS Code refuses them as text, the rule store skips them, the rest still parses', async () => {
    const bytes = Uint8Array.from(BINARY_TEXT, (c) => c.charCodeAt(0) & 0xff);
    const names = ['binary.yml', 'binary.toml', 'binary.yaral'];
    for (const name of names) await vscode.workspace.fs.writeFile(workspaceUri(`scratch/${name}`), bytes);
    const good = await scratch('good.yml', `${SIGMA}tags:\n    - attack.t1059.001\n`);
    await api.rules.rescan();
    const skipped = new Map(api.rules.skipped.map((s) => [vscode.workspace.asRelativePath(api.rules.uriOf(s.path)), s.reason]));
    for (const name of names) assert.strictEqual(skipped.get(`scratch/${name}`), 'binary', [...skipped].join());
    assert.deepStrictEqual(api.rules.file(good.uri)?.rules.flatMap((r) => r.references.map((ref) => ref.id)), ['T1059.001']);
    await assert.rejects(Promise.resolve(vscode.workspace.openTextDocument(workspaceUri('scratch/binary.yml'))), /binary/);
    // The same bytes as text VS Code does open (an untitled document) were exercised above.
  });

  it('a huge single-line Sigma file still answers in its first tags', async () => {
    const doc = await scratch('huge-sigma.yml', `title: x\ndetection: {}\ntags:\n    - attack.t10\n${'# '.padEnd(3_000_000, 'x')}\n`);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(3, 16));
    assert.ok(list.items.some((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'attack.t1059'));
  });
});
