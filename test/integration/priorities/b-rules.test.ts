import * as assert from 'assert';
import * as vscode from 'vscode';
import { parseRuleFile } from '../../../src/rules/index';
import type { CreatedRule } from '../../../src/commands/createRuleForGap';
import { activateApi, gapNodes, setSetting, waitFor, workspaceUri, write } from './helpers';

// Live updates and "Create rule for this gap": the skeleton's format follows the workspace, it
// opens untitled next to the rules of that format closest to the technique, its tags parse back
// (with the real parser) to the technique and its tactics, and saving it closes the gap.

const sigmaRule = (title: string, id: string) =>
  ['title: ' + title, 'id: 1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9', 'status: test', 'tags:', `    - attack.${id.toLowerCase()}`, 'logsource:', '    product: windows', '    category: process_creation', 'detection:', '    selection:', "        CommandLine|contains: 'x'", '    condition: selection', 'level: low', ''].join('\n');

async function closeAllEditors(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments.filter((d) => d.isUntitled && d.isDirty)) {
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

function tacticIdsOf(api: Awaited<ReturnType<typeof activateApi>>, techniqueId: string): string[] {
  const t = api.lens.index.technique(techniqueId)!;
  return api.lens.index.tactics('enterprise-attack').filter((x) => t.tactics.includes(x.shortname)).map((x) => x.id);
}

describe('priority gaps: live updates and new rules', () => {
  before(async () => setSetting(await activateApi(), 'threatProfile', { name: 'APT29', actors: ['G0016'] }));
  after(async () => {
    await closeAllEditors();
    await setSetting(await activateApi(), 'threatProfile', undefined);
  });

  it('a rule added for the top gap removes it; the next gap moves up', async () => {
    const api = await activateApi();
    const before = gapNodes(api.priorityGaps).map((g) => g.gap.technique.id);
    const [top, second] = before;
    await write(workspaceUri('rules', 'sigma', 'windows', 'live_top_gap.yml'), sigmaRule('Live top gap', top));
    await waitFor(`${top} to leave the gaps`, () => !gapNodes(api.priorityGaps).some((g) => g.gap.technique.id === top));
    const after = gapNodes(api.priorityGaps).map((g) => g.gap.technique.id);
    assert.strictEqual(after[0], second);
    assert.deepStrictEqual(after, before.slice(1));
    assert.match(api.priorityGaps.viewState.description ?? '', new RegExp(`· ${before.length - 1} gaps$`));
  });

  it('creates a Sigma skeleton for a gap next to the Sigma rules of its technique family, tagged so it parses back', async () => {
    const api = await activateApi();
    const node = gapNodes(api.priorityGaps).find((g) => g.gap.technique.id === 'T1078');
    assert.ok(node, 'T1078 (partly covered) is a gap');
    const created = (await vscode.commands.executeCommand('attackLens.createRuleForGap', node)) as CreatedRule;
    assert.strictEqual(created.format, 'sigma', 'Sigma: 3 of the 7 rule files');
    const doc = created.document;
    assert.strictEqual(doc.uri.scheme, 'untitled', 'not written to disk before the engineer saves it');
    const target = workspaceUri('rules', 'sigma', 'cloud', 't1078_valid_accounts.yml');
    assert.strictEqual(doc.uri.path, target.path, 'next to the T1078.004 rule');
    assert.strictEqual(vscode.window.activeTextEditor?.document, doc, 'opened in the editor');

    const parsed = parseRuleFile(doc.getText(), target.toString(), api.lens.index);
    assert.strictEqual(parsed.format, 'sigma');
    assert.deepStrictEqual(parsed.problems, []);
    const refs = parsed.rules[0].references;
    assert.deepStrictEqual(refs.filter((r) => r.kind === 'technique').map((r) => r.id), ['T1078']);
    assert.deepStrictEqual(refs.filter((r) => r.kind === 'tactic').map((r) => r.id).sort(), tacticIdsOf(api, 'T1078').sort());

    // Saving it writes the file where it was placed; the store picks it up and the gap closes.
    assert.ok(await doc.save(), 'saved');
    await waitFor('the saved rule in the store', () => api.rules.file(target));
    await waitFor('T1078 to leave the gaps', () => !gapNodes(api.priorityGaps).some((g) => g.gap.technique.id === 'T1078'));
    await closeAllEditors();
  });

  it('follows the format most rule files use: Elastic once it has the most files', async () => {
    const api = await activateApi();
    const runKey = new TextDecoder().decode(await vscode.workspace.fs.readFile(workspaceUri('rules', 'elastic', 'run_key.toml')));
    const extra = [1, 2, 3, 4, 5, 6].map((n) => workspaceUri('rules', 'elastic', 'more', `run_key_${n}.toml`));
    for (const [i, uri] of extra.entries()) await write(uri, runKey.replace('0e5d2a10-1b2c-4d3e-8f40-5a6b7c8d9e05', `0e5d2a10-1b2c-4d3e-8f40-5a6b7c8d9e1${i}`));
    await waitFor('the extra Elastic rules', () => extra.every((u) => api.rules.file(u)));
    try {
      const gap = gapNodes(api.priorityGaps).find((g) => g.gap.technique.id === 'T1047')!;
      const created = (await vscode.commands.executeCommand('attackLens.createRuleForGap', gap)) as CreatedRule;
      assert.strictEqual(created.format, 'elastic');
      assert.strictEqual(created.document.uri.path, workspaceUri('rules', 'elastic', 'more', 't1047_windows_management_instrumentation.toml').path, 'the folder with the most Elastic rules');
      const parsed = parseRuleFile(created.document.getText(), created.document.uri.with({ scheme: 'file' }).toString(), api.lens.index);
      assert.strictEqual(parsed.format, 'elastic');
      const refs = parsed.rules[0].references;
      assert.deepStrictEqual(refs.filter((r) => r.kind === 'technique').map((r) => r.id), ['T1047']);
      assert.deepStrictEqual(refs.filter((r) => r.kind === 'tactic').map((r) => r.id), tacticIdsOf(api, 'T1047'));
    } finally {
      await closeAllEditors();
      await vscode.workspace.fs.delete(workspaceUri('rules', 'elastic', 'more'), { recursive: true });
      await waitFor('the extra Elastic rules gone', () => extra.every((u) => !api.rules.file(u)));
    }
  });

  it('from the command palette, asks for the technique with priority gaps first', async () => {
    const api = await activateApi();
    const top = gapNodes(api.priorityGaps)[0].gap.technique.id;
    const running = vscode.commands.executeCommand('attackLens.createRuleForGap') as Thenable<CreatedRule | undefined>;
    await new Promise((r) => setTimeout(r, 1000));
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const created = await running;
    assert.ok(created, 'a rule was created from the picked item');
    assert.strictEqual(created.techniqueId, top, 'the first item is the top gap');
    await closeAllEditors();
  });
});
