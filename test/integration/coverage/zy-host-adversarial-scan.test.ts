import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { CoverageModel } from '../../../src/coverage/model';
import { checkRuleFile } from '../../../src/checks/referenceChecks';
import { parseRuleFile } from '../../../src/rules/index';
import type { RuleStore } from '../../../src/workspace/ruleStore';
import { OFF_THREAD_MIN_CHARS } from '../../../src/workspace/parseOffThread';
import { adversarialFile, AdversarialFile, InputClass, SIZES } from '../../unit/helpers/adversarialCorpus';
import { expectedCounts } from '../../unit/helpers/adversarialExpectations';
import { activateApi, longestStall, waitFor, workspaceUri } from './helpers';

// A rule folder someone else wrote: a FIFO and, per format for the heaviest input classes (the
// generated adversarial corpus), a 1 MB hostile file (parsed on the worker thread) and one just
// below the size that goes there (parsed on the host's own thread, but for the YAML files of
// hundreds of `---` documents, which go to the worker too). The scan must complete, skip the
// FIFO with its reason, account for every file (parsed with the counts its text implies, or
// listed with a problem), and an editor on one of the files must still get diagnostics and
// hovers. The longest event-loop stall and the scan time go to
// test-results/coverage-host-adversarial.json for `npm run bench` (the budget, ≤ 100 ms, lives
// there). Asserts correctness, not time.

const projectRoot = path.resolve(__dirname, '..', '..', '..', '..');
// Generic is off unless `attackLens.files` enables it, and this workspace does not.
const FORMATS = ['sigma', 'splunk', 'sentinel', 'elastic', 'yaral'] as const;
const CLASSES: readonly InputClass[] = ['many-headers', 'many-keys', 'revoked-tags', 'repeated-tags', 'long-quoted', 'long-line', 'blank-lines'];
const SCANS = 2;
/** Just below the worker's threshold (the generators count bytes; a character is at least one). */
const BELOW_OFF_THREAD = OFF_THREAD_MIN_CHARS - 8 * 1024;

/** Resolves with the document's ATT&CK Lens diagnostics once `ready` holds for them (now or on a later change). */
function diagnosticsWhen(uri: vscode.Uri, ready: (d: readonly vscode.Diagnostic[]) => boolean, timeoutMs = 60_000): Promise<vscode.Diagnostic[]> {
  const ours = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'ATT&CK Lens');
  return new Promise((resolve, reject) => {
    const done = (d: vscode.Diagnostic[]) => {
      clearTimeout(timer);
      sub.dispose();
      resolve(d);
    };
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no diagnostics for ${uri.path} within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString()) && ready(ours())) done(ours());
    });
    if (ready(ours())) done(ours());
  });
}

function references(store: RuleStore, uri: vscode.Uri): { rules: number; references: number; problems: number } | undefined {
  const f = store.file(uri);
  return f && { rules: f.rules.length, references: f.rules.reduce((n, r) => n + r.references.length, 0), problems: f.problems.length };
}

describe('coverage: a rule folder with a FIFO and 1 MB and 120 KB adversarial files in the host', function () {
  this.timeout(300_000);
  const dir = workspaceUri('rules', 'adversarial');
  const written: { file: AdversarialFile; uri: vscode.Uri }[] = [];

  before(() => {
    fs.mkdirSync(dir.fsPath, { recursive: true });
    for (const size of [SIZES.large, BELOW_OFF_THREAD]) {
      for (const format of FORMATS) {
        for (const inputClass of CLASSES) {
          const file = adversarialFile(format, inputClass, size);
          const uri = vscode.Uri.joinPath(dir, `${inputClass}-${path.basename(file.path)}`);
          fs.writeFileSync(uri.fsPath, file.text);
          written.push({ file, uri });
        }
      }
    }
    // Made at test time (git cannot store one); reading it would block the scan for good.
    execFileSync('mkfifo', [path.join(dir.fsPath, 'pipe.yml')]);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir.fsPath, { recursive: true, force: true });
    const api = await activateApi();
    await api.rules.rescan();
    assert.ok(!api.rules.files().some((f) => f.path.startsWith(dir.toString() + '/')), 'the adversarial files are gone from the store');
    assert.strictEqual(api.rules.model.skipped.length, 0, 'the FIFO is gone from the Skipped node');
  });

  it('scans to the end, skips the FIFO with its reason, accounts for every file and keeps the editor answering', async () => {
    const api = await activateApi();
    const store = api.rules;
    const fifo = vscode.Uri.joinPath(dir, 'pipe.yml');
    // The watcher reads the new folder first; measure full rescans only once it has (or gave up).
    await waitFor('the watcher to read the new files', () => written.every((w) => store.file(w.uri)) && store.skipped.some((s) => s.path === fifo.toString()), 120_000).catch(() => undefined);

    const stallsMs: number[] = [];
    const durationsMs: number[] = [];
    const offThreadBefore = api.lens.parsing.offThreadParses;
    for (let i = 0; i < SCANS; i++) {
      stallsMs.push(await longestStall(() => store.rescan()));
      assert.strictEqual(store.lastScan?.cancelled, false, 'the scan completed');
      durationsMs.push(store.lastScan!.durationMs);
    }

    // Each rescan parsed the 1 MB files on the worker thread (the watcher's late re-reads count too), most smaller ones on the host's.
    const large = written.filter((w) => w.file.text.length >= OFF_THREAD_MIN_CHARS).length;
    assert.strictEqual(large, FORMATS.length * CLASSES.length, 'the 1 MB files are at least the threshold');
    const offThread = api.lens.parsing.offThreadParses - offThreadBefore;
    assert.ok(offThread >= SCANS * large, `every large file parsed on the worker thread (${offThread} parses there for ${SCANS} scans of ${large} files)`);
    // A smaller file of hundreds of rule documents goes there too: its parse costs per rule.
    const manyRules = written.find((w) => w.file.format === 'sigma' && w.file.inputClass === 'many-headers' && w.file.text.length < OFF_THREAD_MIN_CHARS)!;
    const beforeReread = api.lens.parsing.offThreadParses;
    await store.reread([manyRules.uri]);
    const rules = store.file(manyRules.uri)?.rules.length ?? 0;
    assert.ok(rules > 400, `the 120 KB Sigma file has hundreds of rules (${rules})`);
    assert.ok(api.lens.parsing.offThreadParses > beforeReread, `the 120 KB file of ${rules} rules was parsed on the worker thread`);
    assert.strictEqual(store.model.skipped.find((s) => s.path === fifo.toString())?.reason, 'not a regular file (a FIFO, socket or device)');
    const skippedRoot = api.coverageTree.getChildren().find((n) => n.kind === 'skippedRoot');
    assert.ok(skippedRoot, 'a Skipped files node');
    const fifoItem = api.coverageTree
      .getChildren(skippedRoot)
      .map((n) => api.coverageTree.getTreeItem(n))
      .find((item) => String(typeof item.label === 'string' ? item.label : item.label?.label).includes('pipe.yml'));
    assert.ok(fifoItem, 'the FIFO is listed under Skipped files');
    assert.match(`${fifoItem.description ?? ''} ${typeof fifoItem.tooltip === 'string' ? fifoItem.tooltip : fifoItem.tooltip?.value ?? ''}`, /not a regular file/);

    for (const { file, uri } of written) {
      const name = `${file.format} ${file.inputClass}`;
      assert.ok(!store.skipped.some((s) => s.path === uri.toString()), `${name}: read, not skipped (at most 1 MB)`);
      const got = references(store, uri);
      assert.ok(got, `${name}: in the store`);
      assert.ok(got.rules + got.problems > 0, `${name}: a rule or a problem`);
      const expected = expectedCounts(file);
      for (const key of ['rules', 'references', 'problems'] as const) {
        if (expected[key] !== undefined) assert.strictEqual(got[key], expected[key], `${name}: ${key}`);
      }
      if (expected.partial) assert.ok(store.file(uri)!.problems.some((p) => p.limit && /only the first/.test(p.message)), `${name}: says it was read in part`);
      assert.strictEqual(store.file(uri)!.format, file.format, `${name}: detected as ${file.format}`);
    }

    // An editor on a 1 MB file full of revoked tags: its diagnostics arrive and a hover answers.
    const revoked = written.find((w) => w.file.format === 'sigma' && w.file.inputClass === 'revoked-tags')!;
    let diagnostics: vscode.Diagnostic[] = [];
    let hovers: vscode.Hover[] | undefined;
    const offThreadBeforeOpen = api.lens.parsing.offThreadParses;
    const editorStallMs = await longestStall(async () => {
      const doc = await vscode.workspace.openTextDocument(revoked.uri);
      await vscode.window.showTextDocument(doc);
      diagnostics = await diagnosticsWhen(revoked.uri, (d) => d.some((x) => /revoked/i.test(x.message)));
      // The head's `- attack.t1059.001` (line 12), on the technique ID.
      const line = doc.lineAt(12).text;
      assert.match(line, /attack\.t1059\.001/);
      hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(12, line.indexOf('t1059') + 2));
    });
    assert.ok(diagnostics.length > 0, 'diagnostics arrived');
    assert.ok(api.lens.parsing.offThreadParses > offThreadBeforeOpen, 'the open 1 MB document was parsed on the worker thread');
    // Thousands of revoked tags: 500 diagnostics, the most severe first, and one that says how many more there are.
    const all = checkRuleFile(parseRuleFile(revoked.file.text, revoked.uri.toString(), api.lens.index), revoked.file.text, api.lens.index);
    assert.ok(all.length > 500, `the core's checks find ${all.length} findings in the file`);
    assert.strictEqual(diagnostics.length, 501, 'at most 500 findings and the note');
    const note = diagnostics.find((d) => /more are not shown/.test(d.message));
    assert.ok(note, 'a diagnostic says findings were left out');
    const m = /shows 500 of this file's ([\d,]+) findings[^;]*; ([\d,]+) more/.exec(note.message);
    assert.ok(m, note.message);
    assert.deepStrictEqual([Number(m[1].replace(/,/g, '')), Number(m[2].replace(/,/g, ''))], [all.length, all.length - 500], `the note counts every finding: ${note.message}`);
    assert.ok(hovers && hovers.length > 0, 'a hover on the technique');
    const hoverText = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    // Markdown-escaped: `T1059\.001`.
    assert.match(hoverText, /T1059\\?\.001 PowerShell/);

    // Where a stall comes from: the slowest single parse (the scan cannot yield inside one) and
    // the coverage model the tree builds in one pass when the scan reports.
    const parseMs = written.map(({ file, uri }) => {
      const t = performance.now();
      parseRuleFile(file.text, uri.toString(), api.lens.index);
      return performance.now() - t;
    });
    const t = performance.now();
    CoverageModel.build(store.files(), api.lens.index).tactics();
    const modelBuildMs = Math.round(performance.now() - t);
    const slowest = parseMs.indexOf(Math.max(...parseMs));
    const slowestParse = { ms: Math.round(parseMs[slowest]), file: `${written[slowest].file.format} ${written[slowest].file.inputClass}` };

    const out = path.join(projectRoot, 'test-results');
    fs.mkdirSync(out, { recursive: true });
    const figures = { files: written.length, bytes: written.reduce((n, w) => n + w.file.text.length, 0), durationsMs, longestStallsMs: stallsMs, editorStallMs, slowestParse, modelBuildMs, measuredAt: new Date().toISOString(), vscode: vscode.version };
    fs.writeFileSync(path.join(out, 'coverage-host-adversarial.json'), JSON.stringify(figures));
    console.log(`      scans ${durationsMs.join(', ')} ms; longest stalls ${stallsMs.join(', ')} ms; opening one: ${editorStallMs} ms; slowest parse ${slowestParse.ms} ms (${slowestParse.file}); model build ${modelBuildMs} ms`);
  });
});
