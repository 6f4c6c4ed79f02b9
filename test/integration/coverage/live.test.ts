import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import * as vscode from 'vscode';
import { activateApi, description, nextChange, techniqueNode, waitFor, workspaceUri, write } from './helpers';

// Live updates (create, change, delete, rename, folder delete), skipped files and the exports,
// in the real host against a temporary copy of the fixture workspace.

const projectRoot = path.resolve(__dirname, '..', '..', '..', '..');

const rule = (title: string, ...ids: string[]) =>
  ['title: ' + title, 'id: 6a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d', 'status: test', 'tags:', ...ids.map((id) => `    - attack.${id.toLowerCase()}`), 'logsource:', '    product: windows', 'detection:', '    selection:', '        EventID: 4625', '    condition: selection', 'level: low', ''].join('\n');

describe('coverage: live updates', () => {
  it('picks up a created file, re-parses it on change and forgets it on delete', async () => {
    const api = await activateApi();
    const store = api.rules;
    const uri = workspaceUri('rules', 'sigma', 'live_brute_force.yml');
    assert.strictEqual(store.model.forTechnique('T1110.001')!.covered, false);

    await nextChange(store, () => write(uri, rule('Live Brute Force', 'T1110.001')));
    assert.strictEqual(store.model.forTechnique('T1110.001')!.rules.length, 1);
    assert.strictEqual(description(api.coverageTree, techniqueNode(api.coverageTree, 'credential-access', 'T1110')!), '1 rule via sub-techniques');

    await nextChange(store, () => write(uri, rule('Live Brute Force', 'T1110.003')));
    assert.strictEqual(store.model.forTechnique('T1110.001')!.covered, false);
    assert.strictEqual(store.model.forTechnique('T1110.003')!.rules.length, 1);

    await nextChange(store, () => vscode.workspace.fs.delete(uri));
    assert.strictEqual(store.model.forTechnique('T1110.003')!.covered, false);
    assert.strictEqual(store.file(uri), undefined);
  });

  it('gives each revoked reference its own tree item, even two on one line', async () => {
    const api = await activateApi();
    const store = api.rules;
    const tree = api.coverageTree;
    const uri = workspaceUri('rules', 'sigma', 'live_twice_revoked.yml');
    const text = ['title: Twice Revoked', 'status: test', 'tags: [attack.t1086, attack.t1086]', 'logsource:', '    product: windows', 'detection:', '    selection:', '        EventID: 4104', '    condition: selection', ''].join('\n');
    await nextChange(store, () => write(uri, text));
    try {
      const root = tree.getChildren().find((n) => n.kind === 'revokedRoot')!;
      const items = tree.getChildren(root).map((n) => tree.getTreeItem(n) as vscode.TreeItem);
      const ours = items.filter((i) => String(i.description).startsWith('rules/sigma/live_twice_revoked.yml'));
      assert.strictEqual(ours.length, 2, ours.map((i) => `${i.id} ${i.description}`).join('\n'));
      const ids = items.map((i) => i.id);
      assert.strictEqual(new Set(ids).size, ids.length, `tree item ids are unique: ${ids.join(', ')}`);
    } finally {
      await nextChange(store, () => vscode.workspace.fs.delete(uri));
    }
  });

  it('re-reads a known rule file and skips it once it grows past 1 MB, and forgets it when a folder takes its name', async () => {
    const api = await activateApi();
    const store = api.rules;
    const uri = workspaceUri('rules', 'sigma', 'live_growing.yml');
    await nextChange(store, () => write(uri, rule('Growing Rule', 'T1110.002')));
    assert.strictEqual(store.model.forTechnique('T1110.002')!.rules.length, 1);

    fs.appendFileSync(uri.fsPath, '#'.repeat(1024 * 1024) + '\n');
    await store.reread([uri]);
    assert.strictEqual(store.file(uri), undefined);
    assert.strictEqual(store.skipped.find((s) => s.path === uri.toString())?.reason, 'larger than 1 MB');
    assert.strictEqual(store.model.forTechnique('T1110.002')!.covered, false);

    await nextChange(store, () => write(uri, rule('Growing Rule', 'T1110.002')));
    assert.strictEqual(store.model.forTechnique('T1110.002')!.rules.length, 1, 'small again, read again');
    fs.rmSync(uri.fsPath);
    fs.mkdirSync(uri.fsPath);
    try {
      await store.reread([uri]);
      assert.strictEqual(store.file(uri), undefined);
      assert.ok(!store.skipped.some((s) => s.path === uri.toString()), 'a folder is not a skipped file');
      assert.strictEqual(store.model.forTechnique('T1110.002')!.covered, false);
    } finally {
      fs.rmSync(uri.fsPath, { recursive: true, force: true });
    }
  });

  it('follows a rename and a deleted folder', async () => {
    const api = await activateApi();
    const store = api.rules;
    const folder = workspaceUri('rules', 'moved');
    const from = workspaceUri('rules', 'moved', 'a.yml');
    const to = workspaceUri('rules', 'moved', 'b.yml');
    await nextChange(store, () => write(from, rule('Moving Rule', 'T1021.001')));
    assert.ok(store.file(from));
    await vscode.workspace.fs.rename(from, to);
    await waitFor('the rename', () => !store.file(from) && !!store.file(to));
    assert.strictEqual(store.model.forTechnique('T1021.001')!.rules.length, 1);
    await vscode.workspace.fs.delete(folder, { recursive: true });
    await waitFor('the folder delete', () => !store.file(to));
    assert.strictEqual(store.model.forTechnique('T1021.001')!.covered, false);
  });

  it('picks up a folder of rules copied in at once, and forgets it when deleted', async () => {
    const api = await activateApi();
    const store = api.rules;
    const source = path.join(projectRoot, 'test', 'fixtures', 'coverage', 'formats');
    const target = workspaceUri('copied');
    const names = fs.readdirSync(source);
    fs.cpSync(source, target.fsPath, { recursive: true });
    try {
      await waitFor('the copied rules', () => names.every((n) => store.file(vscode.Uri.joinPath(target, n))));
      assert.strictEqual(store.model.forTechnique('T1218.011')!.rules.length, 2);
    } finally {
      fs.rmSync(target.fsPath, { recursive: true, force: true });
    }
    await waitFor('the copied rules to go', () => names.every((n) => !store.file(vscode.Uri.joinPath(target, n))));
    assert.strictEqual(store.model.forTechnique('T1218.011')!.rules.length, 1);
  });

  it('flush waits for the update under way: its files are there when flush resolves', async () => {
    const api = await activateApi();
    const store = api.rules;
    const uris = Array.from({ length: 40 }, (_, i) => workspaceUri('rules', 'sigma', `live_flush_${i}.yml`));
    for (const uri of uris) fs.writeFileSync(uri.fsPath, rule(`Flush ${uris.indexOf(uri)}`, 'T1040'));
    try {
      // One update takes the 40 files; a flush started while it reads them has nothing queued of its own.
      const underWay = store.reread(uris);
      await store.flush();
      assert.deepStrictEqual(uris.filter((u) => !store.file(u)), [], 'every file of the update under way is in the store');
      assert.strictEqual(store.model.forTechnique('T1040')!.rules.length, uris.length);
      await underWay;
    } finally {
      for (const uri of uris) fs.rmSync(uri.fsPath, { force: true });
      await store.reread(uris);
    }
    assert.strictEqual(store.model.forTechnique('T1040')!.covered, false);
  });

  it('ignores new files in excluded folders', async () => {
    const api = await activateApi();
    const store = api.rules;
    const excluded = workspaceUri('node_modules', 'pkg', 'rule.yml');
    const marker = workspaceUri('rules', 'sigma', 'marker.yml');
    await write(excluded, rule('Excluded', 'T1046'));
    await nextChange(store, () => write(marker, rule('Marker', 'T1047')));
    await store.flush();
    assert.strictEqual(store.model.forTechnique('T1046')!.covered, false);
    assert.strictEqual(store.file(excluded), undefined);
    await nextChange(store, () => vscode.workspace.fs.delete(marker));
  });

  it('skips binary and oversized files and says why', async () => {
    const api = await activateApi();
    const store = api.rules;
    const binary = workspaceUri('rules', 'binary.yml');
    const large = workspaceUri('rules', 'large.yml');
    await nextChange(store, () => write(binary, new Uint8Array([0x74, 0x69, 0x74, 0x6c, 0x65, 0x00, 0x01, 0x02])));
    await write(large, 'title: big\n' + '# padding\n'.repeat(110_000));
    await store.rescan();
    const reasons = new Map(store.model.skipped.map((s) => [vscode.workspace.asRelativePath(store.uriOf(s.path)), s.reason]));
    assert.strictEqual(reasons.get('rules/binary.yml'), 'binary');
    assert.strictEqual(reasons.get('rules/large.yml'), 'larger than 1 MB');
    const skippedRoot = api.coverageTree.getChildren().find((n) => n.kind === 'skippedRoot');
    assert.ok(skippedRoot, 'a Skipped files node');
    await vscode.workspace.fs.delete(binary);
    await vscode.workspace.fs.delete(large);
    await store.rescan();
    assert.strictEqual(store.model.skipped.length, 0);
  });

  it('skips a symlink loop, a broken link and a link to a folder read anyway, and counts them', async () => {
    const api = await activateApi();
    const store = api.rules;
    const dir = workspaceUri('rules', 'links');
    fs.mkdirSync(dir.fsPath, { recursive: true });
    fs.writeFileSync(path.join(dir.fsPath, 'linked.yml'), rule('Linked Rule', 'T1071.004'));
    fs.symlinkSync('..', path.join(dir.fsPath, 'up'));
    fs.symlinkSync('missing.yml', path.join(dir.fsPath, 'dangling.yml'));
    // A link to a folder the scan reads anyway (sorts first, so the real folder must win).
    fs.mkdirSync(path.join(dir.fsPath, 'sub'));
    fs.writeFileSync(path.join(dir.fsPath, 'sub', 'sub.yml'), rule('Sub Rule', 'T1071.001'));
    fs.symlinkSync('sub', path.join(dir.fsPath, 'alias'));
    try {
      await store.rescan();
      const reasons = new Map(store.model.skipped.map((s) => [vscode.workspace.asRelativePath(store.uriOf(s.path)), s.reason]));
      assert.strictEqual(reasons.get('rules/links/up'), 'symlink loop');
      assert.strictEqual(reasons.get('rules/links/dangling.yml'), 'unreadable: broken symlink');
      assert.strictEqual(reasons.get('rules/links/alias'), 'symlink to a folder scanned already');
      assert.deepStrictEqual(store.model.forTechnique('T1071.001')!.rules.map((r) => vscode.workspace.asRelativePath(store.uriOf(r.path))), ['rules/links/sub/sub.yml'], 'counted once, as itself');
      assert.strictEqual(store.model.forTechnique('T1071.004')!.rules.length, 1, 'read once, not again through the loop');
      assert.ok(!store.files().some((f) => f.path.includes('/up/')), 'nothing read through the loop');
      assert.match(api.coverageTree.viewState.description ?? '', / · 3 skipped$/);
      const skippedRoot = api.coverageTree.getChildren().find((n) => n.kind === 'skippedRoot');
      assert.ok(skippedRoot);
      assert.match(description(api.coverageTree, skippedRoot), /^3 files$/);
    } finally {
      fs.rmSync(dir.fsPath, { recursive: true, force: true });
      await store.rescan();
    }
    assert.strictEqual(store.model.skipped.length, 0);
  });

  it('a FIFO and a socket in a rule folder: the scan completes and both are in the Skipped node with their reason', async () => {
    const api = await activateApi();
    const store = api.rules;
    const dir = workspaceUri('rules', 'special');
    fs.mkdirSync(dir.fsPath, { recursive: true });
    fs.writeFileSync(path.join(dir.fsPath, 'real.yml'), rule('Real Rule', 'T1046'));
    // Made at test time: git cannot store either. Reading the FIFO would block the scan for good.
    const fifo = path.join(dir.fsPath, 'pipe.yml');
    execFileSync('mkfifo', [fifo]);
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(path.join(dir.fsPath, 'socket.yml'), resolve));
    try {
      await store.rescan();
      const reasons = new Map(store.model.skipped.map((s) => [vscode.workspace.asRelativePath(store.uriOf(s.path)), s.reason]));
      assert.strictEqual(reasons.get('rules/special/pipe.yml'), 'not a regular file (a FIFO, socket or device)');
      assert.strictEqual(reasons.get('rules/special/socket.yml'), 'not a regular file (a FIFO, socket or device)');
      assert.deepStrictEqual(store.model.forTechnique('T1046')!.rules.map((r) => vscode.workspace.asRelativePath(store.uriOf(r.path))), ['rules/special/real.yml'], 'the rule beside them is read');
      const skippedRoot = api.coverageTree.getChildren().find((n) => n.kind === 'skippedRoot');
      assert.ok(skippedRoot, 'a Skipped files node');
      const shown = api.coverageTree.getChildren(skippedRoot).map((n) => api.coverageTree.getTreeItem(n));
      const pipeItem = shown.find((i) => String(typeof i.label === 'string' ? i.label : i.label?.label).includes('pipe.yml'));
      assert.ok(pipeItem, 'the FIFO is listed under Skipped files');
      assert.match(`${pipeItem.description ?? ''} ${typeof pipeItem.tooltip === 'string' ? pipeItem.tooltip : pipeItem.tooltip?.value ?? ''}`, /not a regular file/);
    } finally {
      server.close();
      fs.rmSync(dir.fsPath, { recursive: true, force: true });
      await store.rescan();
    }
    assert.strictEqual(store.model.skipped.length, 0);
  });

  it('a known rule file replaced by a symlink to /dev/zero (as a git pull may bring) is skipped, not read', async () => {
    const api = await activateApi();
    const store = api.rules;
    const uri = workspaceUri('rules', 'sigma', 'live_zero.yml');
    const linked = workspaceUri('rules', 'sigma', 'live_zero_link.yml');
    await nextChange(store, () => write(uri, rule('Zero Rule', 'T1110.003')));
    assert.strictEqual(store.model.forTechnique('T1110.003')!.rules.length, 1);
    try {
      fs.rmSync(uri.fsPath);
      fs.symlinkSync('/dev/zero', uri.fsPath);
      fs.symlinkSync('/dev/zero', linked.fsPath);
      await store.reread([uri]);
      assert.strictEqual(store.skipped.find((s) => s.path === uri.toString())?.reason, 'not a regular file (a FIFO, socket or device)');
      assert.strictEqual(store.model.forTechnique('T1110.003')!.covered, false);
      await store.rescan();
      const reasons = new Map(store.model.skipped.map((s) => [vscode.workspace.asRelativePath(store.uriOf(s.path)), s.reason]));
      assert.strictEqual(reasons.get('rules/sigma/live_zero.yml'), 'not a regular file (a FIFO, socket or device)');
      assert.strictEqual(reasons.get('rules/sigma/live_zero_link.yml'), 'not a regular file (a FIFO, socket or device)', 'found by the walk: not called a broken link');
    } finally {
      fs.rmSync(uri.fsPath, { force: true });
      fs.rmSync(linked.fsPath, { force: true });
      await store.rescan();
    }
    assert.strictEqual(store.model.skipped.length, 0);
  });

  it('a symlinked folder created while watching is checked by a full scan: no rule counts twice', async () => {
    const api = await activateApi();
    const store = api.rules;
    const before = store.model.forTechnique('T1059.001')!.rules.length;
    const link = workspaceUri('rules', 'sigma-again');
    fs.symlinkSync('sigma', link.fsPath);
    try {
      await waitFor('the link to be reported', () => store.model.skipped.some((s) => s.path === link.toString()));
      assert.strictEqual(store.model.skipped.find((s) => s.path === link.toString())!.reason, 'symlink to a folder scanned already');
      assert.strictEqual(store.model.forTechnique('T1059.001')!.rules.length, before);
    } finally {
      fs.unlinkSync(link.fsPath);
      await store.rescan();
    }
  });
});

describe('coverage: settings', () => {
  const config = () => vscode.workspace.getConfiguration('attackLens');

  it('counts deprecated rules when attackLens.coverage.includeDeprecatedRules is on', async () => {
    const api = await activateApi();
    const store = api.rules;
    assert.strictEqual(store.model.forTechnique('T1053.005')!.covered, false);
    try {
      await nextChange(store, () => config().update('coverage.includeDeprecatedRules', true, vscode.ConfigurationTarget.Workspace));
      assert.strictEqual(store.model.forTechnique('T1053.005')!.rules.length, 1, 'the status: deprecated Sigma rule');
      assert.strictEqual(store.model.deprecatedRuleCount, 0);
    } finally {
      await nextChange(store, () => config().update('coverage.includeDeprecatedRules', undefined, vscode.ConfigurationTarget.Workspace));
    }
    assert.strictEqual(store.model.forTechnique('T1053.005')!.covered, false);
  });

  it('reads other files with the generic matcher when attackLens.files names a glob for it', async () => {
    const api = await activateApi();
    const store = api.rules;
    const notes = workspaceUri('notes', 'hunting.md');
    await write(notes, '# Hunting notes\n\nPassword spraying (T1110.003) against the VPN; see also TA0006.\n');
    try {
      assert.strictEqual(store.model.forTechnique('T1110.003')!.covered, false, 'markdown is not a rule file by default');
      await config().update('files', { '**/*.{yml,yaml}': 'auto', '**/*.toml': 'auto', '**/*.{yaral,yara-l,yaraL}': 'yaral', 'notes/**/*.md': 'generic' }, vscode.ConfigurationTarget.Workspace);
      await waitFor('the rescan with the generic glob', () => store.model.forTechnique('T1110.003')!.covered);
      const [ref] = store.model.forTechnique('T1110.003')!.rules;
      assert.strictEqual(ref.format, 'generic');
      assert.strictEqual(ref.title, 'hunting');
      assert.deepStrictEqual([ref.span.start.line, ref.span.start.character], [2, 19], 'the ID in the text');
    } finally {
      await config().update('files', undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.workspace.fs.delete(notes);
      await store.rescan();
    }
    assert.strictEqual(store.model.forTechnique('T1110.003')!.covered, false);
  });

  it('a malformed glob in attackLens.files matches nothing; the other globs still scan', async () => {
    const api = await activateApi();
    const store = api.rules;
    const notes = workspaceUri('notes', 'spraying.md');
    await write(notes, '# Notes\n\nPassword spraying (T1110.003).\n');
    const rulesBefore = store.model.ruleCount;
    try {
      await config().update('files', { '**/*.{yml,yaml}': 'auto', '**/*.toml': 'auto', '**/*.{yaral,yara-l,yaraL}': 'yaral', 'rules/{sigma,splunk/*.yml': 'sigma', 'notes/[z-a]*.md': 'generic', 'notes/**/*.md': 'generic' }, vscode.ConfigurationTarget.Workspace);
      await waitFor('the rescan with a malformed glob among good ones', () => store.model.forTechnique('T1110.003')!.covered);
      assert.strictEqual(store.scanning, false);
      assert.strictEqual(store.model.ruleCount, rulesBefore + 1, 'every rule file is still read, plus the notes');
    } finally {
      await config().update('files', undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.workspace.fs.delete(notes);
      await store.rescan();
    }
    assert.strictEqual(store.model.forTechnique('T1110.003')!.covered, false);
  });
});

describe('coverage: exports', () => {
  it('exports a Navigator layer to a given file', async () => {
    await activateApi();
    const target = workspaceUri('out', 'layer.json');
    const written = await vscode.commands.executeCommand<vscode.Uri>('attackLens.exportNavigatorLayer', target);
    assert.strictEqual(written?.toString(), target.toString());
    const layer = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(target))) as {
      versions: { layer: string; attack: string; navigator: string };
      domain: string;
      techniques: { techniqueID: string; score: number; metadata: { name: string; value: string }[] }[];
    };
    assert.deepStrictEqual(layer.versions, { layer: '4.5', attack: '18', navigator: '5.1.0' });
    assert.strictEqual(layer.domain, 'enterprise-attack');
    const scores = Object.fromEntries(layer.techniques.map((t) => [t.techniqueID, t.score]));
    assert.strictEqual(scores['T1059.001'], 2);
    assert.strictEqual(scores['T1027'], 1);
    assert.strictEqual(scores['T1110'], undefined);
    assert.strictEqual(scores['T1053.005'], undefined, 'the deprecated rule is left out');
    const ps = layer.techniques.find((t) => t.techniqueID === 'T1059.001')!;
    assert.deepStrictEqual(ps.metadata.map((m) => m.value).sort(), ['Old Revoked Mapping', 'Suspicious PowerShell Encoded Command']);
  });

  it('exports the threat profile of the workspace settings as an overlay: its gaps coloured, without scores', async () => {
    await activateApi();
    const target = workspaceUri('out', 'layer-profile.json');
    const settings = vscode.workspace.getConfiguration('attackLens');
    await settings.update('threatProfile', { name: 'Credential thieves', techniques: { 'T1059.001': 2, 'T1003.006': 1, T1110: 3 } }, vscode.ConfigurationTarget.Workspace);
    try {
      await vscode.commands.executeCommand('attackLens.exportNavigatorLayer', target);
      const layer = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(target))) as {
        description: string;
        legendItems: { label: string; color: string }[];
        techniques: { techniqueID: string; score?: number; color?: string; comment: string }[];
      };
      const byId = new Map(layer.techniques.map((t) => [t.techniqueID, t]));
      assert.strictEqual(byId.get('T1059.001')?.score, 2, 'covered: still scored by rule count');
      assert.match(byId.get('T1059.001')!.comment, /threat profile “Credential thieves” \(weight 2\)/);
      const dcsync = byId.get('T1003.006');
      assert.ok(dcsync && dcsync.score === undefined && /^#[0-9a-f]{6}$/.test(dcsync.color ?? ''), JSON.stringify(dcsync));
      assert.match(dcsync.comment, /^Gap in the threat profile “Credential thieves”: /);
      assert.strictEqual(byId.get('T1110')?.score, undefined, 'no rule names T1110 (the vendor folder is excluded)');
      assert.ok(byId.get('T1110')?.color, 'T1110 is coloured as a profile gap');
      assert.ok(layer.legendItems.some((l) => l.label === 'Threat profile: no rule'));
      assert.match(layer.description, /Threat profile overlay: Credential thieves/);
    } finally {
      await settings.update('threatProfile', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('exports every selected domain as a list of layers when asked for all', async () => {
    const api = await activateApi();
    const target = workspaceUri('out', 'layers.json');
    await nextChange(api.rules, () => vscode.commands.executeCommand('attackLens.filterCoverage', { domains: ['enterprise-attack', 'ics-attack'] }));
    try {
      await vscode.commands.executeCommand('attackLens.exportNavigatorLayer', target, 'all');
      const layers = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(target))) as { domain: string; versions: { layer: string }; techniques: { techniqueID: string }[] }[];
      assert.deepStrictEqual(layers.map((l) => [l.domain, l.versions.layer]), [['enterprise-attack', '4.5'], ['ics-attack', '4.5']]);
      assert.ok(layers[0].techniques.some((t) => t.techniqueID === 'T1059.001'));
      assert.deepStrictEqual(layers[1].techniques, []);
    } finally {
      await nextChange(api.rules, () => vscode.commands.executeCommand('attackLens.filterCoverage', { domains: [] }));
    }
  });

  it('exports a json report with workspace-relative paths', async () => {
    const api = await activateApi();
    const target = workspaceUri('out', 'coverage.json');
    await vscode.commands.executeCommand('attackLens.exportReport', 'json', target);
    const report = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(target))) as {
      rules: number;
      techniques: Record<string, { rules: number; files: string[] }>;
      unknown: Record<string, number>;
      problems: { file: string }[];
    };
    assert.strictEqual(report.rules, api.rules.model.ruleCount);
    assert.deepStrictEqual(report.techniques['T1027'].files, ['rules/sigma/ps_encoded.yml']);
    assert.strictEqual(report.unknown['T1999'], 1);
    assert.deepStrictEqual([...new Set(report.problems.map((p) => p.file))], ['rules/sigma/broken.yml']);
    const md = workspaceUri('out', 'coverage.md');
    await vscode.commands.executeCommand('attackLens.exportReport', 'markdown', md);
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(md));
    assert.match(text, /^# ATT&CK coverage/);
    assert.match(text, /## Top gaps/);
  });
});
