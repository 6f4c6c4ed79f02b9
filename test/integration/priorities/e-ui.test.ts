import * as assert from 'assert';
import * as vscode from 'vscode';
import { uiScreenshot, uiText, waitForUiText } from '../../host/uiProbe';
import { activateApi, gapNodes, label, setSetting } from './helpers';

// What the workbench renders for the Priority gaps view, read from the page through the runner's
// UI probe: the view's message and description, the top gap's row with its weight, and a
// screenshot (test-results/priorities-priority-gaps.png).

describe('priority gaps: the view as rendered', function () {
  this.timeout(60_000);
  after(async () => setSetting(await activateApi(), 'threatProfile', undefined));

  it('shows the profile, the ranked gap rows and their descriptions', async () => {
    const api = await activateApi();
    await setSetting(api, 'threatProfile', { name: 'APT29 + APT28', actors: ['G0016', 'G0007'] });
    await vscode.commands.executeCommand('attackLens.priorityGaps.focus');
    const top = gapNodes(api.priorityGaps)[0];
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    const rows = await waitForUiText('.part.sidebar .monaco-list-row', new RegExp(`${escape(label(api.priorityGaps, top))}\\s*used by 2 of 2 actors`), { timeoutMs: 20_000 });
    assert.ok(!/T1105 /.test(rows), 'a covered technique has no row');
    const message = await uiText('.part.sidebar .pane-body .message');
    assert.match(message, /Threat profile “APT29 \+ APT28” \(2 groups\)/);
    const header = await uiText('.part.sidebar .pane-header');
    assert.match(header, /APT29 \+ APT28 · \d+ gaps/);
    await uiScreenshot('priority-gaps');
  });
});
