import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateApi, waitFor } from '../../host/inHost';
import { waitForUiText } from '../../host/uiProbe';

// The Coverage and Priority gaps views' welcome content (package.json viewsWelcome): the context
// key attackLens.welcome follows the workspace (rule files found, none found, a scan running),
// the trees leave room for it, and the workbench renders it with its buttons. "No folder open"
// cannot be reached in a suite that runs in a folder: test/unit/walkthrough.test.ts has it.

/** attackLens.files with every default glob off (VS Code merges an object setting with its default). */
const NO_RULE_FILES = { '**/*.{yml,yaml}': 'off', '**/*.toml': 'off', '**/*.{yaral,yara-l,yaraL,yl2}': 'off' };

describe('welcome views', function () {
  this.timeout(60_000);

  afterEach(async () => {
    await vscode.workspace.getConfiguration('attackLens').update('files', undefined, vscode.ConfigurationTarget.Workspace);
    const api = await activateApi();
    await waitFor('the rules back', () => api.welcome.state === undefined && api.rules.model.ruleCount > 0);
  });

  it('shows the trees, no welcome, when the workspace has rules', async () => {
    const api = await activateApi();
    assert.strictEqual(api.welcome.state, undefined);
    assert.ok(api.coverageTree.getChildren().some((n) => n.kind === 'tactic'));
    assert.ok(api.priorityGaps.getChildren().length > 0);
  });

  it('no rule files: both views show what attackLens.files looks for, with a button to the setting; a rescan shows the scan running', async () => {
    const api = await activateApi();
    await vscode.workspace.getConfiguration('attackLens').update('files', NO_RULE_FILES, vscode.ConfigurationTarget.Workspace);
    await waitFor('no rule files', () => api.welcome.state === 'noRuleFiles');
    assert.strictEqual(api.rules.model.ruleCount, 0);
    assert.deepStrictEqual(api.coverageTree.getChildren(), []);
    assert.deepStrictEqual(api.priorityGaps.getChildren(), []);
    assert.strictEqual(api.coverageTree.viewState.message, undefined, 'a message would hide the welcome');
    assert.strictEqual(api.priorityGaps.viewState.message, undefined, 'a message would hide the welcome');

    await vscode.commands.executeCommand('attackLens.coverage.focus');
    const shown = await waitForUiText('.part.sidebar .welcome-view-content', /No detection rules found in this workspace/);
    assert.match(shown, /attackLens\.files/);
    assert.match(shown, /\*\*\/\*\.toml/);
    assert.match(shown, /Open the attackLens\.files setting/);
    await waitForUiText('.part.sidebar .welcome-view-content', /every technique is a gap/);

    const scan = api.rules.rescan();
    assert.strictEqual(api.welcome.state, 'scanning', 'the scan has started and found nothing yet');
    await scan;
    assert.strictEqual(api.welcome.state, 'noRuleFiles');
  });

  it('the first scan of a workspace shows the scan running, and the rules end it', async () => {
    const api = await activateApi();
    await vscode.workspace.getConfiguration('attackLens').update('files', NO_RULE_FILES, vscode.ConfigurationTarget.Workspace);
    await waitFor('no rule files', () => api.welcome.state === 'noRuleFiles');
    const states: (string | undefined)[] = [];
    const sub = api.welcome.onDidChange((s) => states.push(s));
    try {
      await vscode.workspace.getConfiguration('attackLens').update('files', undefined, vscode.ConfigurationTarget.Workspace);
      await waitFor('the rules back', () => api.welcome.state === undefined && api.rules.model.ruleCount > 0);
      assert.deepStrictEqual(states, ['scanning', undefined]);
    } finally {
      sub.dispose();
    }
    assert.ok(api.coverageTree.getChildren().some((n) => n.kind === 'tactic'));
  });
});
