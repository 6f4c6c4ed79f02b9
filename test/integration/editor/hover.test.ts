import * as assert from 'assert';
import * as vscode from 'vscode';
import { attackHover, extensionApi, openFixture, positionOf, removeScratch, scratch } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt = require('markdown-it');

// Hovers through vscode.executeHoverProvider on the fixture rules, including rule text that
// tries to smuggle HTML and command links into the hover.

const render = (s: string): string => new MarkdownIt({ html: false, linkify: true }).render(s);

describe('ATT&CK hover', () => {
  before(async () => {
    await extensionApi();
  });
  after(removeScratch);

  it('a technique: name, tactics, detection strategies, mitigations, link; untrusted Markdown', async () => {
    const doc = await openFixture('sigma/proc_creation_win_powershell_encoded.yml');
    const found = await attackHover(doc, positionOf(doc, 'attack.t1059.001', 5));
    assert.ok(found, 'hover');
    const { hover, text } = found;
    assert.ok(text.includes('T1059\\.001 PowerShell'), text);
    assert.ok(text.includes('Tactics: Execution'));
    assert.ok(text.includes('Detection strategies:'));
    assert.ok(text.includes('Mitigations:'));
    assert.ok(text.includes('(https://attack.mitre.org/techniques/T1059/001/)'));
    assert.strictEqual(doc.getText(hover.range), 'attack.t1059.001');
    const md = hover.contents[0] as vscode.MarkdownString;
    assert.ok(!md.isTrusted, 'not trusted');
    assert.ok(!md.supportHtml, 'no HTML');
  });

  it('leads with the name, tactics and platforms; "More…" opens the technique through a link trusted for that command only', async () => {
    const doc = await openFixture('sigma/proc_creation_win_powershell_encoded.yml');
    const found = await attackHover(doc, positionOf(doc, 'attack.t1059.001', 5));
    assert.ok(found, 'hover');
    const [main, more] = found.hover.contents as vscode.MarkdownString[];
    const lines = main.value.split('\n\n');
    assert.match(lines[0], /^\*\*T1059\\\.001 PowerShell\*\*/);
    assert.ok(lines.slice(0, 4).some((l) => /^Tactics: Execution · Platforms: Windows$/.test(l)), lines.slice(0, 4).join(' | '));
    assert.ok(more, 'a second part with the link');
    assert.deepStrictEqual(more.isTrusted, { enabledCommands: ['attackLens.openTechnique'] });
    assert.ok(!more.supportHtml);
    const link = /\]\(command:attackLens\.openTechnique\?([^ )]+)/.exec(more.value);
    assert.ok(link, more.value);
    const args = JSON.parse(decodeURIComponent(link[1])) as unknown[];
    assert.deepStrictEqual(args, ['T1059.001']);
    const opened = await vscode.commands.executeCommand<string>('attackLens.openTechnique', ...args);
    assert.strictEqual(opened, 'attack-lens:/T1059.001.md');
  });

  it('a revoked technique names its replacement', async () => {
    const doc = await openFixture('sigma/proc_creation_win_powershell_encoded.yml');
    const found = await attackHover(doc, positionOf(doc, 'attack.t1086', 8));
    assert.ok(found);
    assert.ok(/Revoked\*\*: replaced by T1059\\\.001 PowerShell/.test(found.text), found.text);
  });

  it('tactics (Sigma shortname, Sentinel name, Elastic TA id), a group, markdown bare IDs', async () => {
    const sigma = await openFixture('sigma/proc_creation_win_powershell_encoded.yml');
    assert.ok((await attackHover(sigma, positionOf(sigma, 'attack.defense-evasion', 9)))?.text.includes('TA0005 Defense Evasion'));
    assert.ok((await attackHover(sigma, positionOf(sigma, 'attack.g0016', 9)))?.text.includes('G0016 APT29'));
    const sentinel = await openFixture('sentinel/PowerShellEncodedCommand.yaml');
    assert.ok((await attackHover(sentinel, positionOf(sentinel, '  - DefenseEvasion', 6)))?.text.includes('TA0005 Defense Evasion'));
    const elastic = await openFixture('elastic/execution_powershell_encoded.toml');
    assert.ok((await attackHover(elastic, positionOf(elastic, 'id = "TA0002"', 8)))?.text.includes('TA0002 Execution'));
    assert.ok((await attackHover(elastic, positionOf(elastic, 'name = "Command Obfuscation"', 10)))?.text.includes('T1027\\.010 Command Obfuscation'), 'hover on the sibling name');
    const notes = await openFixture('notes/threat-notes.md');
    assert.ok((await attackHover(notes, positionOf(notes, 'S0154', 2)))?.text.includes('S0154 Cobalt Strike'));
    assert.ok((await attackHover(notes, positionOf(notes, 'M1049', 2)))?.text.includes('M1049'));
  });

  it('rule text with HTML and command links is rendered escaped (Sentinel tactics, YARA-L meta, Sigma tags)', async () => {
    // The Sigma parser takes no ATT&CK reference from such tags: no hover, and no failure.
    const sigma = await openFixture('hostile/sigma_hostile.yml');
    assert.strictEqual(await attackHover(sigma, positionOf(sigma, '<img src=x', 3)), undefined);
    assert.ok((await attackHover(sigma, positionOf(sigma, 'attack.t1059.001', 3)))?.text.includes('PowerShell'));
    const checks: [string, string][] = [
      ['hostile/SentinelHostile.yaml', '<img src=x'],
      ['hostile/SentinelHostile.yaml', '[x](command:'],
      ['hostile/hostile.yaral', '[x](command:'],
      ['hostile/hostile.yaral', '<img src=x'],
    ];
    for (const [file, needle] of checks) {
      const doc = await openFixture(file);
      const found = await attackHover(doc, positionOf(doc, needle, 3));
      assert.ok(found, `${file}: ${needle}`);
      const html = render(found.text);
      assert.ok(!/<img|<a\s|href=/.test(html), `${file}: ${html}`);
      assert.ok(html.includes('&lt;img') || html.includes('[x](command:'), html);
      const md = found.hover.contents[0] as vscode.MarkdownString;
      assert.ok(!md.isTrusted && !md.supportHtml);
    }
  });

  it('says what the rule reads (no telemetry profile here: no collected or not), its unmapped log sources escaped', async () => {
    const api = await extensionApi();
    const doc = await openFixture('sigma/proc_creation_win_powershell_encoded.yml');
    assert.match(doc.getText(), /^ {4}category: process_creation$/m, 'the fixture is a Sigma process_creation rule');
    const found = await attackHover(doc, positionOf(doc, 'attack.t1059.001', 5));
    const processCreation = api.lens.index.findDataComponent('Process Creation')!;
    const line = found!.text.split('\n').find((l) => l.startsWith('**This rule reads:**'));
    assert.strictEqual(line?.replace(/\\(.)/g, '$1'), `**This rule reads:** ${processCreation.id} Process Creation`, found!.text);

    const hostile = await scratch('hostile_logsource.yml', "title: Hostile log source\nlogsource:\n    category: '<img src=x>[x](command:attackLens.openTechnique)'\n    product: windows\ndetection:\n    sel:\n        a: b\n    condition: sel\ntags:\n    - attack.t1059.001\n");
    const h = await attackHover(hostile, positionOf(hostile, 'attack.t1059.001', 5));
    assert.ok(h, 'hover on the scratch rule');
    // The rule's own line (the "More…" link after it is the one trusted part of the hover).
    const reads = h.text.split('\n').find((l) => l.startsWith('**This rule reads:**'))!;
    const html = render(reads);
    assert.match(reads, /\*\*This rule reads:\*\* unmapped\\: sigma\\:category\\:/);
    assert.ok(!/<img|<a\s|href=/.test(html), html);
    assert.ok(html.toLowerCase().includes('&lt;img src=x&gt;[x](command:attacklens.opentechnique)'), html);
  });

  it('no hover outside references', async () => {
    const doc = await openFixture('sigma/proc_creation_win_powershell_encoded.yml');
    assert.strictEqual(await attackHover(doc, positionOf(doc, 'title: Suspicious', 10)), undefined);
  });
});
