import * as assert from 'assert';
import * as vscode from 'vscode';
import { uiClick, uiScreenshot, uiText, waitForUiText } from '../../host/uiProbe';
import { activateApi, assertPercentOf, waitFor } from './helpers';

// What the workbench really renders for the Coverage view, read from the page through the
// runner's UI probe: the tactic rows with their `covered/total · %` descriptions and
// the activity-bar badge.

describe('coverage: the view as rendered', function () {
  this.timeout(60_000);

  it('shows the tactic rows with their counts and the badge on the activity bar', async () => {
    const api = await activateApi();
    await vscode.commands.executeCommand('attackLens.coverage.focus');
    const model = api.rules.model;
    const execution = model.forTactic('execution')!;
    const counts = `${execution.techniques.covered}/${execution.techniques.total} · `;
    const row = new RegExp(`Execution\\s*${counts.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}([\\d.]+)%`);
    const rows = await waitForUiText('.part.sidebar .monaco-list-row', row, { timeoutMs: 20_000 });
    const shown = row.exec(rows)![1];
    assertPercentOf(shown, execution.techniques.covered, execution.techniques.total, 'Execution row');
    for (const t of model.tactics().slice(0, 5)) assert.ok(rows.includes(t.tactic.name), `${t.tactic.name} row`);
    // The badge is re-rendered whenever the view sets it: wait for a number rather than catch it mid-update.
    const badge = await waitForUiText('.part.activitybar .action-item:has([aria-label*="ATT&CK Lens"]) .badge-content, .part.activitybar [aria-label*="ATT&CK Lens"] .badge-content', /^\s*\d+\s*$/, { timeoutMs: 10_000 }).catch(() => '');
    // The activity bar sums the number badges of the container's views (Priority gaps may add one).
    const ours = api.coverageTree.viewState.badge?.value ?? 0;
    assert.ok(ours > 0 && /^\d+$/.test(badge.trim()) && Number(badge.trim()) >= ours, `badge text ${JSON.stringify(badge)}, the Coverage view's badge ${ours}`);
    await uiScreenshot('coverage-view');
    // The list draws only the rows in sight, and how many fit depends on the layout the suite's
    // earlier tests left: the Problems and Unknown references nodes come after the tactics, at the end.
    assert.ok(model.problems.length > 0, 'the workspace has a rule file that does not parse');
    await vscode.commands.executeCommand('attackLens.coverage.focus');
    await vscode.commands.executeCommand('list.focusLast');
    const end = await waitForUiText('.part.sidebar .monaco-list-row', /Problems/, { timeoutMs: 10_000 });
    assert.match(end, /Problems\s*\d+ files?/, 'the Problems node with its file count');
    await vscode.commands.executeCommand('list.focusFirst');
  });

  it('the … menu toggles gaps only and the sort, and shows which state is on', async () => {
    const api = await activateApi();
    const tree = api.coverageTree;
    await vscode.commands.executeCommand('attackLens.coverage.focus');
    const header = '.part.sidebar .pane-header:has(h3.title:text-is("Coverage"))';
    const button = (label: string) => `${header} .action-label[aria-label^="${label}"]`;
    // Secondary actions live in the view's … menu, so the summary beside the title stays in sight.
    // A menu that has only just opened can drop a click on an item (it stays open, nothing runs):
    // the menu still being open is the signal to click again; a command that ran but did nothing
    // still fails the wait on the view's state below.
    const item = (label: string) => `.monaco-menu .action-item .action-label:text-is("${label}")`;
    const fromMenu = async (label: string) => {
      await vscode.commands.executeCommand('attackLens.coverage.focus');
      await uiClick(button('More Actions'));
      await uiClick(item(label));
      for (let attempt = 0; attempt < 3; attempt++) {
        const closed = await waitFor('the menu to close', async () => !(await uiText(item(label))).trim(), 2_000).then(
          () => true,
          () => false,
        );
        if (closed) return;
        await uiClick(item(label));
      }
      assert.fail(`the … menu did not take the click on "${label}"`);
    };
    try {
      await fromMenu('Toggle gaps only');
      await waitFor('gaps only on', () => tree.gapsOnly);
      await waitForUiText('.part.sidebar .monaco-list-row', /Execution/);
      await fromMenu('Show all techniques (gaps only is on)');
      await waitFor('gaps only off', () => !tree.gapsOnly);
      await fromMenu('Sort by matrix order or coverage');
      await waitFor('sorted by coverage', () => tree.sort === 'coverage');
      await fromMenu('Sort by matrix order (least covered first now)');
      await waitFor('matrix order again', () => tree.sort === 'matrix');
    } finally {
      await vscode.commands.executeCommand('attackLens.toggleGapsOnly', false);
      await vscode.commands.executeCommand('attackLens.toggleCoverageSort', 'matrix');
    }
  });
});
