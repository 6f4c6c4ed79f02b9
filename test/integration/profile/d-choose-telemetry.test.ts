import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ChooseTelemetryResult } from '../../../src/commands/chooseTelemetry';
import { uiText, waitForUiText } from '../../host/uiProbe';
import { activateApi, disk, waitFor, workspaceUri } from './helpers';

// "Choose telemetry" through the real command: the argument forms that skip the picker, a DeTT&CT
// file from the workspace, and the picker itself (grouped data components found by log source
// name, the current profile checked) in the real workbench.

const choose = (args?: unknown) => vscode.commands.executeCommand<ChooseTelemetryResult>('attackLens.chooseTelemetry', args);
const workspaceTelemetry = () => vscode.workspace.getConfiguration('attackLens').inspect<Record<string, unknown>>('telemetry')?.workspaceValue;
const accept = () => vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');

describe('Choose telemetry', () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.workspace.getConfiguration('attackLens').update('telemetry', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('saves data components and log sources to the workspace settings; the telemetry state reads them', async () => {
    const api = await activateApi();
    const setting = { dataComponents: ['DC0032', 'File Creation'], logSources: ['WinEventLog:Sysmon'] };
    const result = await choose(setting);
    assert.ok(result && 'setting' in result, JSON.stringify(result));
    assert.deepStrictEqual(workspaceTelemetry(), setting);
    const file = JSON.parse(await disk('.vscode', 'settings.json')) as Record<string, unknown>;
    assert.deepStrictEqual(file['attackLens.telemetry'], setting, '.vscode/settings.json holds it: the team shares it');
    const index = api.lens.index;
    const expected = [...new Set(['DC0032', index.findDataComponent('File Creation')!.id, ...index.dataComponentsForLogSource('WinEventLog:Sysmon')])].sort();
    const collected = await waitFor('the telemetry state to follow the setting', () => (api.telemetry!.collected.join() === expected.join() ? api.telemetry!.collected : undefined));
    assert.deepStrictEqual(result.collected, collected);
  });

  it('names unknown data components and log sources; with nothing known the setting is left alone', async () => {
    await choose({ dataComponents: ['DC0032'] });
    const partly = await choose({ dataComponents: ['Process Creation', 'Proces Creation'], logSources: ['WinEventLog:Sysmonn'] });
    assert.ok(partly && 'warning' in partly && partly.warning, JSON.stringify(partly));
    assert.match(partly.warning, /“Proces Creation”/);
    assert.match(partly.warning, /“WinEventLog:Sysmonn”/);
    const before = workspaceTelemetry();
    const none = await choose({ dataComponents: ['Nothing Known'] });
    assert.ok(none && 'error' in none, JSON.stringify(none));
    assert.match(none.error, /names no data component or log source of ATT&CK v[\d.]+: a data component not in ATT&CK v[\d.]+: “Nothing Known”; attackLens\.telemetry is unchanged/);
    assert.deepStrictEqual(workspaceTelemetry(), before);
  });

  it('reads a DeTT&CT data-source administration file from the workspace, keeping its quality scores', async () => {
    const api = await activateApi();
    const uri = workspaceUri('dettect-data-sources.yaml');
    const yaml =
      'version: 1.2\nfile_type: data-source-administration\nname: SOC\ndata_sources:\n  - data_source_name: Process Creation\n    data_source:\n      - applicable_to: [all]\n        data_quality: {device_completeness: 4, timeliness: 5}\n';
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(yaml));
    try {
      const result = await choose({ file: 'dettect-data-sources.yaml' });
      assert.ok(result && 'setting' in result, JSON.stringify(result));
      const id = api.lens.index.findDataComponent('Process Creation')!.id;
      assert.deepStrictEqual(workspaceTelemetry(), { name: 'SOC', dataComponents: ['Process Creation'], quality: { 'Process Creation': { device_completeness: 4, timeliness: 5 } } });
      await waitFor('the DeTT&CT profile', () => api.telemetry!.profile?.quality.get(id)?.timeliness === 5);
    } finally {
      await vscode.workspace.fs.delete(uri);
    }
  });

  it('the picker: a file item, data components found by log source name, the current ones checked; accepting keeps them', async () => {
    const api = await activateApi();
    const linux = { Linux: { logSources: ['auditd:SYSCALL'] } };
    await choose({ name: 'SOC', dataComponents: ['DC0032'], platforms: linux });
    await waitFor('the profile', () => api.telemetry!.profile?.collected.has('DC0032'));
    const index = api.lens.index;
    let done = choose({ query: 'WinEventLog:Sysmon' });
    const sysmon = new Set(index.dataComponentsForLogSource('WinEventLog:Sysmon'));
    const order = index.dataSources(['enterprise-attack']).flatMap((g) => g.dataComponents);
    const first = order.find((c) => sysmon.has(c.id))!;
    const rows = await waitForUiText('.quick-input-widget .quick-input-list', new RegExp(first.name));
    assert.match(rows, /Log sources: [^\n]*WinEventLog:Sysmon/, 'the detail line lists the log sources');
    for (const other of order.filter((c) => !sysmon.has(c.id)).slice(0, 10)) assert.ok(!rows.includes(other.name), `${other.name} does not list Sysmon: ${rows.slice(0, 300)}`);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.strictEqual(await done, undefined, 'closing the picker changes nothing');

    done = choose({ query: 'Process Creation' });
    const checked = await waitForUiText('.quick-input-widget .quick-input-list .monaco-list-row[aria-checked="true"]', /Process Creation/);
    assert.match(checked, /DC0032/);
    await accept();
    const result = await done;
    assert.ok(result && 'setting' in result, JSON.stringify(result));
    // Process Access comes checked too: rules/sigma/current_tags.yml reads it (process_access), and the
    // picker checks what the workspace's rules read (the next test); the auditd:SYSCALL components stay Linux-only.
    const saved = workspaceTelemetry()!;
    const processAccess = index.findDataComponent('Process Access')!.id;
    assert.deepStrictEqual({ ...saved, dataComponents: [...(saved.dataComponents as string[])].sort() }, { name: 'SOC', platforms: linux, dataComponents: ['DC0032', processAccess].sort() }, 'the name and per-platform lists are kept, not checked as collected everywhere');

    done = choose();
    const all = await waitForUiText('.quick-input-widget .quick-input-list', /Read from a file/);
    assert.match(all, /DeTT&CT/);
    assert.ok((await uiText('.quick-input-widget')).includes('Telemetry: the data components you collect'));
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await done;
  });

  it('the picker comes checked with what the workspace’s rules read, and the current profile', async () => {
    const api = await activateApi();
    const index = api.lens.index;
    // What each rule file of the workspace reads, from its own words (Sigma categories, ESCU data_source, the
    // Elastic process index, Sentinel's SecurityEvent 4688, YARA-L PROCESS_LAUNCH): process creation, and
    // LSASS access in current_tags.yml. c-ui adds rules/sigma/ui_stale.yml, a process_creation rule.
    const reads: Record<string, string> = {
      'rules/sigma/stale_tags.yml': 'Process Creation',
      'rules/sigma/current_tags.yml': 'Process Access',
      'rules/sigma/ui_stale.yml': 'Process Creation',
      'rules/splunk/stale_ids.yml': 'Process Creation',
      'rules/elastic/stale_threat.toml': 'Process Creation',
      'rules/sentinel/stale_techniques.yaml': 'Process Creation',
      'rules/yaral/stale_meta.yaral': 'Process Creation',
    };
    const files = api.rules.files().filter((f) => f.rules.length).map((f) => f.path);
    const known = new Map(Object.entries(reads).map(([f, name]) => [workspaceUri(f).toString(), name]));
    for (const f of files) assert.ok(known.has(f), `${f} is one of the rule files this test knows`);
    const expected = new Set(files.map((f) => index.findDataComponent(known.get(f)!)!.id));
    assert.deepStrictEqual([...expected].sort(), [index.findDataComponent('Process Access')!.id, index.findDataComponent('Process Creation')!.id].sort());

    // No profile: what the rules read is checked, and accepting saves exactly that.
    let done = choose({ query: 'Process Access' });
    const checked = await waitForUiText('.quick-input-widget .quick-input-list .monaco-list-row[aria-checked="true"]', /Process Access/);
    assert.match(checked, /DC0035/);
    await accept();
    let result = await done;
    assert.ok(result && 'setting' in result, JSON.stringify(result));
    assert.deepStrictEqual([...((workspaceTelemetry()?.dataComponents as string[]) ?? [])].sort(), [...expected].sort());

    // With a profile: its components are checked too.
    const fileCreation = index.findDataComponent('File Creation')!.id;
    await choose({ dataComponents: [fileCreation] });
    await waitFor('the profile', () => api.telemetry!.profile?.collected.has(fileCreation) && !api.telemetry!.profile?.collected.has([...expected][0]));
    done = choose({ query: 'File Creation' });
    await waitForUiText('.quick-input-widget .quick-input-list .monaco-list-row[aria-checked="true"]', /File Creation/);
    await accept();
    result = await done;
    assert.ok(result && 'setting' in result, JSON.stringify(result));
    assert.deepStrictEqual([...((workspaceTelemetry()?.dataComponents as string[]) ?? [])].sort(), [...expected, fileCreation].sort());
  });
});
