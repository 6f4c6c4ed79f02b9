import * as assert from 'assert';
import * as vscode from 'vscode';
import { uiClick, uiScreenshot, uiText, waitForUiText } from '../../host/uiProbe';
import { activateApi, disk, waitFor, workspaceProfileSetting, workspaceUri } from './helpers';

// The pickers themselves, in the real workbench (the runner's page probe reads them): Choose
// threat profile's one picker (current actors pre-selected, search, Enter on the highlighted item,
// the other sources as items), and Check rules' grouped list with Fix all.

const accept = () => vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
const CHECKED_ROWS = '.quick-input-widget .quick-input-list .monaco-list-row[aria-checked="true"]';

/**
 * Checks a row by clicking it. A list that has only just rendered can drop the click (the row
 * stays unchecked, nothing else happens): the row not being checked is the signal to click again.
 */
async function clickToCheck(id: string, name: RegExp): Promise<string> {
  for (let attempt = 0; attempt < 3; attempt++) {
    await uiClick(`.quick-input-widget .quick-input-list .monaco-list-row:has-text("${id}")`);
    const checked = await waitForUiText(CHECKED_ROWS, name, { timeoutMs: 3_000 }).catch(() => undefined);
    if (checked !== undefined) return checked;
  }
  assert.fail(`the picker did not take the click on ${id}`);
}

describe('Profile and check-rules pickers', () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  });

  it('Choose threat profile: one picker with the current actors checked first and the other sources; accepting keeps them', async () => {
    await activateApi();
    await vscode.commands.executeCommand('attackLens.chooseThreatProfile', { actors: ['G0016', 'C0024'], name: 'APT29 and SolarWinds' });
    const done = vscode.commands.executeCommand('attackLens.chooseThreatProfile');
    const picker = await waitForUiText('.quick-input-widget', /Navigator layer[\s\S]*Technique IDs[\s\S]*Clear threat profile/);
    assert.match(picker, /now: Threat profile “APT29 and SolarWinds” \(1 group, 1 campaign\): \d+ techniques/);
    const rows = await waitForUiText('.quick-input-widget .quick-input-list', /APT29[\s\S]*SolarWinds Compromise/);
    // The selected actors come first, before the other sources and the alphabetical list of every group.
    assert.ok(rows.indexOf('APT29') < rows.indexOf('admin@338'), rows.slice(0, 400));
    assert.ok(rows.indexOf('SolarWinds Compromise') < rows.indexOf('Navigator layer'), rows.slice(0, 400));
    const checked = await uiText('.quick-input-widget .quick-input-list .monaco-list-row[aria-checked="true"]');
    assert.match(checked, /APT29/);
    assert.match(checked, /SolarWinds Compromise/);
    assert.match(await uiText('.quick-input-widget .quick-input-list'), /aka .*Cozy Bear/, 'aliases are shown (and matched) in the detail line');
    await uiScreenshot('choose-actors');
    await accept();
    await done;
    // The same actors again: saved under the name they had, without asking for one.
    assert.deepStrictEqual(workspaceProfileSetting(), { name: 'APT29 and SolarWinds', actors: ['G0016', 'C0024'], source: 'actors' });
    await vscode.commands.executeCommand('attackLens.clearThreatProfile', { quiet: true });
  });

  it('the picker finds groups by alias (Cozy Bear → APT29, then Fancy Bear → APT28) and keeps earlier picks checked', async () => {
    await activateApi();
    await vscode.commands.executeCommand('attackLens.clearThreatProfile', { quiet: true });
    let done = vscode.commands.executeCommand('attackLens.chooseThreatProfile', { query: 'Cozy Bear' });
    const rows = await waitForUiText('.quick-input-widget .quick-input-list', /APT29/);
    assert.match(rows, /^\s*APT29\s*G0016/, `APT29 is the first row: ${rows.slice(0, 200)}`);
    await clickToCheck('G0016', /APT29/);
    await accept();
    await done;
    assert.deepStrictEqual(workspaceProfileSetting(), { name: 'APT29', actors: ['G0016'], source: 'actors' });

    done = vscode.commands.executeCommand('attackLens.chooseThreatProfile', { query: 'Fancy Bear' });
    const second = await waitForUiText('.quick-input-widget .quick-input-list', /APT28/);
    assert.ok(second.indexOf('APT29') < second.indexOf('APT28'), 'the current actor stays listed first');
    const checked = await clickToCheck('G0007', /APT28/);
    assert.match(checked, /APT29/);
    await accept();
    await done;
    assert.deepStrictEqual(workspaceProfileSetting(), { name: 'APT29, APT28', actors: ['G0016', 'G0007'], source: 'actors' });
    await vscode.commands.executeCommand('attackLens.clearThreatProfile', { quiet: true });
  });

  it('Enter on the highlighted search hit selects it: cozy bear alone, then fancy bear added to the profile', async () => {
    await activateApi();
    await vscode.commands.executeCommand('attackLens.clearThreatProfile', { quiet: true });
    let done = vscode.commands.executeCommand('attackLens.chooseThreatProfile', { query: 'cozy bear' });
    await waitForUiText('.quick-input-widget .quick-input-list .monaco-list-row.focused', /APT29/);
    assert.strictEqual(await uiText('.quick-input-widget .quick-input-list .monaco-list-row[aria-checked="true"]'), '', 'nothing checked');
    await accept();
    await done;
    assert.deepStrictEqual(workspaceProfileSetting(), { name: 'APT29', actors: ['G0016'], source: 'actors' });

    done = vscode.commands.executeCommand('attackLens.chooseThreatProfile', { query: 'fancy bear' });
    await waitForUiText('.quick-input-widget .quick-input-list .monaco-list-row.focused', /APT28/);
    await accept();
    await done;
    assert.deepStrictEqual(workspaceProfileSetting(), { name: 'APT29, APT28', actors: ['G0016', 'G0007'], source: 'actors' });
    await vscode.commands.executeCommand('attackLens.clearThreatProfile', { quiet: true });
  });

  it('technique IDs typed into the picker are an item of it; Enter saves them as the profile', async () => {
    await activateApi();
    await vscode.commands.executeCommand('attackLens.clearThreatProfile', { quiet: true });
    const done = vscode.commands.executeCommand('attackLens.chooseThreatProfile', { query: 'T1059.001, t1003' });
    const focused = await waitForUiText('.quick-input-widget .quick-input-list .monaco-list-row.focused', /Technique list: T1059\.001, T1003/);
    assert.match(focused, /2 techniques, weight 1 each/);
    await accept();
    await done;
    assert.deepStrictEqual(workspaceProfileSetting(), { name: 'Technique list', actors: [], techniques: { T1003: 1, 'T1059.001': 1 }, source: 'ids', detail: '2 techniques' });
    await vscode.commands.executeCommand('attackLens.clearThreatProfile', { quiet: true });
  });

  it('Navigator layer… is an item of the same picker: Enter on it opens the file dialog', async () => {
    await activateApi();
    await vscode.commands.executeCommand('attackLens.clearThreatProfile', { quiet: true });
    const done = vscode.commands.executeCommand('attackLens.chooseThreatProfile');
    // No profile, nothing typed: the other sources lead, the layer first.
    await waitForUiText('.quick-input-widget .quick-input-list .monaco-list-row.focused', /Navigator layer/);
    await accept();
    await waitForUiText('.quick-input-widget', /Threat profile from a Navigator layer/);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.strictEqual(await done, undefined);
    assert.strictEqual(workspaceProfileSetting(), undefined, 'nothing saved without a file');
  });

  it('Check rules: grouped findings with Fix all; accepting Fix all fixes the file and refreshes the list', async () => {
    await activateApi();
    await vscode.workspace.fs.writeFile(
      workspaceUri('rules', 'sigma', 'ui_stale.yml'),
      new TextEncoder().encode('title: UI Stale\nstatus: test\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n    sel:\n        Image|endswith: \'\\cmd.exe\'\n    condition: sel\ntags:\n    - attack.execution\n    - attack.t1086\n'),
    );
    const before = await vscode.commands.executeCommand<{ items: { fix?: string }[] }>('attackLens.checkRulesAgainstAttack', { show: false });
    const fixable = before.items.filter((i) => i.fix).length;
    assert.ok(fixable >= 1);
    void vscode.commands.executeCommand('attackLens.checkRulesAgainstAttack');
    const text = await waitForUiText('.quick-input-widget', new RegExp(`Fix all: ${fixable} reference`));
    assert.match(text, /Revoked by MITRE \(\d+\)/);
    assert.match(text, /attack\.t1086[\s\S]*rules\/sigma\/ui_stale\.yml:12/);
    assert.match(text, /Not in the loaded ATT&CK data \(\d+\)/);
    await uiScreenshot('check-rules');
    await accept();
    await waitFor('the file to be fixed', async () => /- attack\.t1059\.001\n$/.test(await disk('rules', 'sigma', 'ui_stale.yml')));
    // The title reads the same before and after the list is rebuilt: wait on what the rebuild changes.
    await waitForUiText('.quick-input-widget', /stale references? in \d+ files?/);
    await waitFor('nothing with an obvious fix is left', async () => !/Fix all:/.test(await uiText('.quick-input-widget')));

    // The wrench of one item applies its fix (ATT&CK's suggestion for deprecated T1064 in the Splunk rule).
    assert.match(await disk('rules', 'splunk', 'stale_ids.yml'), /\n {2}- T1064\n/);
    // Item buttons show on the focused row: move the focus there with the keyboard command first.
    for (let i = 0; i < 30 && !/stale_ids\.yml:21/.test(await uiText('.quick-input-widget .monaco-list-row.focused')); i++) await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
    await uiClick('.quick-input-widget .monaco-list-row.focused:has-text("rules/splunk/stale_ids.yml:21") .action-label[aria-label="Apply the fix"]');
    await waitFor('the Splunk rule to be fixed', async () => /mitre_attack_id:\n {2}- T1562\.001\n {2}- T1059\n/.test(await disk('rules', 'splunk', 'stale_ids.yml')));
    // The list is rebuilt after the fix is written; the title reads the same before and after, so wait on the row itself.
    await waitFor('the fixed item to leave the list', async () => !/stale_ids\.yml:21/.test(await uiText('.quick-input-widget .quick-input-list')));
    assert.match(await uiText('.quick-input-widget'), /Rules against ATT&CK v18\.1: \d+ stale/);
  });
});
