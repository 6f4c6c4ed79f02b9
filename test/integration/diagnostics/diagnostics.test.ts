import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { headings } from '../../unit/helpers/markdownHeadings';
import { AttackIndex } from '../../../src/attack/index';
import { codeOf, diagnosticsOf, extensionApi, ours, settledDiagnostics, summary, waitFor, workspaceUri } from './helpers';

describe('ATT&CK diagnostics', () => {
  before(async () => {
    await extensionApi();
  });

  it('reports Sigma tag problems with codes, severities, messages and exact ranges', async () => {
    const { diagnostics } = await diagnosticsOf('sigma/proc_creation_win_problems.yml', (ds) => ds.length >= 5);
    assert.deepStrictEqual(summary(diagnostics), [
      '8:6-8:18 warning attack-lens/revoked',
      '9:6-9:22 warning attack-lens/tag-format',
      '10:6-10:22 information attack-lens/missing-tactic',
      '11:6-11:18 error attack-lens/unknown-id',
      '12:6-12:28 error attack-lens/unknown-tactic',
    ]);
    const byCode = new Map(diagnostics.map((d) => [codeOf(d), d]));
    assert.strictEqual(byCode.get('attack-lens/unknown-id')!.message, 'T1999 is not in ATT&CK v18.1; your data may be older than your rules');
    assert.strictEqual(byCode.get('attack-lens/revoked')!.message, 'T1086 (PowerShell) was revoked in ATT&CK; it is now T1059.001 (PowerShell)');
    assert.match(byCode.get('attack-lens/missing-tactic')!.message, /^T1003\.001 \(LSASS Memory\) belongs to Credential Access/);
    assert.deepStrictEqual(byCode.get('attack-lens/revoked')!.tags, [vscode.DiagnosticTag.Deprecated]);
    const readme = headings(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', '..', 'README.md'), 'utf8'));
    for (const d of diagnostics) {
      assert.strictEqual(d.source, 'ATT&CK Lens');
      const code = d.code as { value: string; target: vscode.Uri };
      assert.ok(code.target instanceof vscode.Uri && code.target.path.endsWith('/README.md'), 'code links to the docs');
      const heading = readme.find((h) => h.slug === code.target.fragment);
      assert.ok(heading, `#${code.target.fragment} is a heading of README.md`);
      assert.ok(heading.section.includes('`' + code.value + '`'), `the section "${heading.text}" explains ${code.value}`);
    }
  });

  it('reports nothing for a clean rule', async () => {
    const doc = await vscode.workspace.openTextDocument(workspaceUri('sigma/proc_creation_win_clean.yml'));
    assert.deepStrictEqual(await settledDiagnostics(doc), []);
  });

  it('re-checks open documents when the ATT&CK data changes', async () => {
    const { lens } = await extensionApi();
    const original = lens.index;
    const source = lens.indexSource;
    const rel = 'sigma/proc_creation_win_clean.yml';
    const doc = await vscode.workspace.openTextDocument(workspaceUri(rel));
    assert.deepStrictEqual(await settledDiagnostics(doc), []);
    const withoutPowerShell = new AttackIndex(original.domains.map((d) => ({ ...d, techniques: d.techniques.filter((t) => t.id !== 'T1059.001') })));
    try {
      lens.setIndex(withoutPowerShell, 'test data without T1059.001');
      const { diagnostics } = await diagnosticsOf(rel);
      assert.deepStrictEqual(summary(diagnostics), ['8:6-8:22 error attack-lens/unknown-id']);
    } finally {
      lens.setIndex(original, source);
    }
    await waitFor('diagnostics gone with the full data', () => (ours(doc.uri).length === 0 ? true : undefined));
  });

  it('reports malformed and revoked IDs in Splunk ESCU', async () => {
    const { diagnostics } = await diagnosticsOf('splunk/malformed_ids.yml', (ds) => ds.length >= 2);
    assert.deepStrictEqual(summary(diagnostics), ['19:4-19:11 warning attack-lens/malformed-id', '20:4-20:9 warning attack-lens/revoked']);
    assert.strictEqual(diagnostics.find((d) => codeOf(d) === 'attack-lens/malformed-id')!.message, 'ATT&CK IDs are written T1059.001');
  });

  it('reports a group ID in Splunk’s mitre_attack_id as wrong-kind', async () => {
    const uri = workspaceUri('scratch/group_in_splunk.yml');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('name: Group in the technique list\nsearch: x\ntags:\n  mitre_attack_id:\n  - G0016\n  - T1059.001\n'));
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      const ds = await settledDiagnostics(doc);
      assert.deepStrictEqual(summary(ds), ['4:4-4:9 error attack-lens/wrong-kind']);
      assert.match(ds[0].message, /^G0016 is a group \(APT29\), but this field takes a technique$/);
    } finally {
      await vscode.workspace.fs.delete(uri);
    }
  });

  it('reports Elastic name, reference, parent, tactic and revocation problems', async () => {
    const { diagnostics } = await diagnosticsOf('elastic/execution_problems.toml', (ds) => ds.length >= 5);
    assert.deepStrictEqual(summary(diagnostics), [
      '26:8-26:27 warning attack-lens/name-mismatch',
      '31:13-31:59 warning attack-lens/reference-mismatch',
      '34:6-34:11 warning attack-lens/wrong-tactic',
      '38:6-38:15 warning attack-lens/wrong-parent',
      '43:6-43:11 warning attack-lens/revoked',
    ]);
    const mismatch = diagnostics.find((d) => codeOf(d) === 'attack-lens/name-mismatch')!;
    assert.strictEqual(mismatch.relatedInformation?.[0]?.location.range.start.line, 25, 'points at the technique ID');
  });

  it('reports unknown Sentinel tactics and revoked techniques', async () => {
    const { diagnostics } = await diagnosticsOf('sentinel/tactic_names.yaml', (ds) => ds.length >= 2);
    assert.deepStrictEqual(summary(diagnostics), ['15:4-15:18 error attack-lens/unknown-tactic', '18:4-18:9 warning attack-lens/revoked']);
    assert.strictEqual(diagnostics[0].message, '"DefenceEvasion" is not an ATT&CK tactic');
  });

  it('reports revoked techniques in YARA-L meta', async () => {
    const { diagnostics } = await diagnosticsOf('yaral/powershell_encoded.yaral');
    assert.deepStrictEqual(summary(diagnostics), ['5:30-5:35 warning attack-lens/revoked']);
  });

  it('reports broken YAML and TOML as one parse error at the error position', async () => {
    const yaml = await diagnosticsOf('broken/broken_sigma.yml');
    assert.deepStrictEqual((await settledDiagnostics(yaml.doc)).map(codeOf), ['attack-lens/parse-error']);
    assert.ok(yaml.diagnostics[0].range.start.line >= 6 && yaml.diagnostics[0].range.start.line <= 8, `YAML error near line 7, got ${yaml.diagnostics[0].range.start.line}`);
    assert.strictEqual(yaml.diagnostics[0].severity, vscode.DiagnosticSeverity.Error);
    const toml = await diagnosticsOf('broken/broken_elastic.toml');
    assert.deepStrictEqual((await settledDiagnostics(toml.doc)).map(codeOf), ['attack-lens/parse-error']);
    assert.strictEqual(toml.diagnostics[0].range.start.line, 3);
  });

  it('updates while typing and clears on close', async () => {
    const uri = workspaceUri('scratch/typing.yml');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('title: Typing\nlogsource:\n    product: windows\ndetection:\n    sel:\n        EventID: 1\n    condition: sel\ntags:\n    - attack.execution\n    - attack.t1059.001\n'));
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    assert.deepStrictEqual(await settledDiagnostics(doc), []);
    await editor.edit((b) => b.replace(new vscode.Range(9, 6, 9, 22), 'attack.t1086'));
    const ds = await waitFor('revoked after typing', () => (ours(uri).some((d) => codeOf(d) === 'attack-lens/revoked') ? ours(uri) : undefined));
    assert.deepStrictEqual(summary(ds), ['9:6-9:18 warning attack-lens/revoked']);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await waitFor('diagnostics cleared on close', () => (ours(uri).length === 0 ? true : undefined));
    await vscode.workspace.fs.delete(uri);
  });

  it('honours severity overrides, including off', async () => {
    const config = vscode.workspace.getConfiguration('attackLens');
    const rel = 'sigma/proc_creation_win_problems.yml';
    await diagnosticsOf(rel, (ds) => ds.length >= 5);
    try {
      // A value that is not a severity ("warn") keeps the default, as does a key like "constructor".
      await config.update('diagnostics.severity', { 'attack-lens/missing-tactic': 'off', 'attack-lens/tag-format': 'error', 'attack-lens/revoked': 'warn', constructor: 'error' }, vscode.ConfigurationTarget.Workspace);
      const { diagnostics } = await diagnosticsOf(rel, (ds) => !ds.some((d) => codeOf(d) === 'attack-lens/missing-tactic'));
      assert.deepStrictEqual(summary(diagnostics), [
        '8:6-8:18 warning attack-lens/revoked',
        '9:6-9:22 error attack-lens/tag-format',
        '11:6-11:18 error attack-lens/unknown-id',
        '12:6-12:28 error attack-lens/unknown-tactic',
      ]);
    } finally {
      await config.update('diagnostics.severity', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await diagnosticsOf(rel, (ds) => ds.some((d) => codeOf(d) === 'attack-lens/missing-tactic'));
  });

  it('survives bad input: empty, random bytes, a 2 MB line, binary', async () => {
    const random = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) % 251);
    const text = (t: string) => new TextEncoder().encode(t);
    const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
    // What each file must give: its exact ATT&CK diagnostic codes once they are published, or
    // that VS Code refuses to open it as text (then there is nothing to check, and that is asserted).
    const files: { rel: string; bytes: Uint8Array; expected: string[] | 'refused as binary' }[] = [
      { rel: 'bad/empty.yml', bytes: new Uint8Array(0), expected: [] },
      { rel: 'bad/random.yml', bytes: random.map((b) => (b === 0 ? 1 : b)), expected: [] },
      // Over the size limit: not read, and one warning says so.
      { rel: 'bad/long.yml', bytes: text(`title: ${'x'.repeat(2 * 1024 * 1024)}`), expected: ['attack-lens/rule-problem'] },
      { rel: 'bad/binary.toml', bytes: random, expected: 'refused as binary' },
      { rel: 'bad/tags.yml', bytes: text(`tags: [${'attack.t1059, '.repeat(200)}\n`), expected: [] },
      // A Sigma rule cut off by garbage: the one file here that is a rule, so it must say so.
      { rel: 'bad/sigma-then-garbage.yml', bytes: concat(text('title: Cut off\nlogsource:\n    product: windows\ndetection:\n    sel: [\n'), random.map((b) => (b === 0 ? 1 : b))), expected: ['attack-lens/parse-error'] },
    ];
    for (const { rel, bytes, expected } of files) {
      const uri = workspaceUri(rel);
      await vscode.workspace.fs.writeFile(uri, bytes);
      const opened = await vscode.workspace.openTextDocument(uri).then(
        (doc) => ({ doc }),
        (e: unknown) => ({ refused: String((e as Error)?.message ?? e) }),
      );
      if (expected === 'refused as binary') {
        assert.ok('refused' in opened, `${rel}: VS Code opened it as text; its diagnostics must be checked instead`);
        assert.match(opened.refused, /binary/i, rel);
        continue;
      }
      assert.ok('doc' in opened, `${rel} could not be opened: ${'refused' in opened ? opened.refused : ''}`);
      const ds = await settledDiagnostics(opened.doc);
      assert.deepStrictEqual(ds.map(codeOf), expected, `${rel}: ${summary(ds).join('; ')}`);
      if (rel === 'bad/long.yml') assert.match(ds[0].message, /larger than 1 MB: ATT&CK Lens does not read it/);
    }
    // Still working afterwards.
    const { diagnostics } = await diagnosticsOf('sigma/proc_creation_win_problems.yml', (ds) => ds.length >= 5);
    assert.strictEqual(diagnostics.length, 5);
  });
});
