import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateApi, waitFor } from '../../host/inHost';
import { uiScreenshot, waitForUiText } from '../../host/uiProbe';

// Open technique, reached from Search ATT&CK with no editor open: the entry is rendered (the
// Markdown preview), not shown as its Markdown source with literal `**` and backticks.

describe('Open technique without an editor', function () {
  this.timeout(60_000);

  it('Search ATT&CK → G0016 shows the rendered entry', async () => {
    await activateApi();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.strictEqual(vscode.window.activeTextEditor, undefined);
    await vscode.commands.executeCommand('attackLens.searchAttack', 'G0016');
    const tab = await waitFor('a tab for G0016', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label.includes('G0016')));
    const kind = tab.input instanceof vscode.TabInputWebview ? `webview ${tab.input.viewType}` : tab.input instanceof vscode.TabInputText ? `text ${tab.input.uri.toString()}` : String(tab.input);
    assert.ok(tab.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(tab.input.viewType), `the G0016 tab "${tab.label}" is ${kind}`);
    const shown = await waitForUiText('body', /G0016 APT29/, { frames: true });
    assert.doesNotMatch(shown, /\*\*G0016|\\\(/, 'no Markdown syntax left in what is shown');
    await uiScreenshot('welcome-open-technique');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
