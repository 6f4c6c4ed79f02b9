import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { checkRuleFile } from '../../src/checks/referenceChecks';
import { parseRuleFile } from '../../src/rules/index';
import { projectRoot, sharedRoot } from './helpers/attackData';
import { tempDir } from './helpers/badData';
import { loadIndex } from './coverage-helpers';

// `attack-lens check` as CI runs it: dist/cli.js in a child process, on rule files written here
// with hand-worked expectations, and on the checks fixtures compared with the editor's own path.

const cli = path.join(projectRoot, 'dist', 'cli.js');
const checksFixtures = path.join(projectRoot, 'test', 'fixtures', 'checks');

const RULE = `title: Encoded PowerShell
id: 9d3c1a52-0000-4000-8000-000000000001
status: test
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        CommandLine|contains: ' -enc '
    condition: selection
tags:
    - attack.execution
    - attack.t1086
    - attack.t1999
level: high
`;
const BROKEN = 'title: x\ndetection:\n  sel: [\n tags: - attack.t1059\n';

function run(cwd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'check', ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ATTACK_LENS_DEBUG: '' } });
  assert.strictEqual(r.signal, null, `check ${args.join(' ')} did not end by itself`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: string;
  code: string;
  message: string;
  fixes: { title: string; preferred: boolean }[];
}

describe('attack-lens check', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = tempDir('check');
    fs.mkdirSync(path.join(dir, 'rules'));
    fs.writeFileSync(path.join(dir, 'rules', 'encoded.yml'), RULE);
    fs.writeFileSync(path.join(dir, 'rules', 'broken.yml'), BROKEN);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('text: the file, then line:col  severity  message  code, and a count; exit 1 on an error', () => {
    const r = run(dir, 'rules');
    assert.strictEqual(r.code, 1, r.stderr);
    assert.strictEqual(r.stderr, '');
    const lines = r.stdout.split('\n');
    assert.strictEqual(lines[0], path.join('rules', 'broken.yml'));
    assert.match(lines[1], /^ {2}4:2 {2}error {2}Invalid YAML: .+ {2}attack-lens\/parse-error$/);
    assert.strictEqual(lines[2], '');
    assert.strictEqual(lines[3], path.join('rules', 'encoded.yml'));
    assert.strictEqual(lines[4], '  13:7  warning  T1086 (PowerShell) was revoked in ATT&CK; it is now T1059.001 (PowerShell)  attack-lens/revoked');
    assert.match(lines[5], /^ {2}14:7  error {4}T1999 is not in ATT&CK v[\d.]+; .+ {2}attack-lens\/unknown-id$/);
    assert.strictEqual(lines[6], '');
    assert.strictEqual(lines[7], '✖ 3 problems (2 errors, 1 warning, 0 notes)');
  });

  it('--fail-on: exit 1 only when a finding is at or above the level; --severity changes the level a finding has', () => {
    fs.rmSync(path.join(dir, 'rules', 'broken.yml'));
    assert.strictEqual(run(dir, 'rules', '--severity', 'unknown-id=information').code, 0, 'only a warning and a note left');
    assert.strictEqual(run(dir, 'rules', '--severity', 'unknown-id=information', '--fail-on', 'warning').code, 1);
    assert.strictEqual(run(dir, 'rules', '--severity', 'attack-lens/unknown-id=off,revoked=hint', '--fail-on', 'information').code, 0);
    assert.strictEqual(run(dir, 'rules', '--fail-on', 'never').code, 0);
    const off = run(dir, 'rules', '--severity', 'attack-lens/revoked=off', '--format', 'json');
    assert.deepStrictEqual(
      (JSON.parse(off.stdout).findings as JsonFinding[]).map((f) => f.code),
      ['attack-lens/unknown-id'],
    );
  });

  it('--format json: 1-based positions, the effective severity, the fixes', () => {
    const r = run(dir, 'rules/encoded.yml', '--format', 'json', '--severity', 'revoked=error');
    const j = JSON.parse(r.stdout) as { tool: string; files: number; summary: Record<string, number>; findings: JsonFinding[] };
    assert.strictEqual(j.tool, 'attack-lens');
    assert.strictEqual(j.files, 1);
    assert.deepStrictEqual(j.summary, { error: 2, warning: 0, information: 0, hint: 0 });
    const revoked = j.findings[0];
    assert.deepStrictEqual([revoked.code, revoked.severity, revoked.line, revoked.column, revoked.endLine, revoked.endColumn], ['attack-lens/revoked', 'error', 13, 7, 13, 19]);
    assert.ok(
      revoked.fixes.some((f) => f.preferred && /T1059\.001/.test(f.title)),
      JSON.stringify(revoked.fixes),
    );
  });

  it("the findings are the editor's: checkRuleFile on each fixture, same codes, messages and places", () => {
    const index = loadIndex();
    const r = run(projectRoot, checksFixtures, '--format', 'json', '--fail-on', 'never');
    const got = (JSON.parse(r.stdout).findings as JsonFinding[]).map((f) => `${f.file}:${f.line}:${f.column} ${f.code} ${f.message}`);
    const want: string[] = [];
    const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
    for (const file of walk(checksFixtures).sort()) {
      if (!/\.(ya?ml|toml|yaral)$/.test(file)) continue;
      const text = fs.readFileSync(file, 'utf8');
      const parsed = parseRuleFile(text, file, index, file.endsWith('.yaral') ? { format: 'yaral' } : undefined);
      for (const f of checkRuleFile(parsed, text, index)) want.push(`${file}:${f.span.start.line + 1}:${f.span.start.character + 1} ${f.code} ${f.message}`);
    }
    assert.ok(want.length > 20, 'the fixtures have findings');
    assert.deepStrictEqual([...got].sort(), [...want].sort());
  });

  it('--settings: attackLens.diagnostics.severity, attackLens.files (Markdown as generic) and attackLens.generic.idPattern', () => {
    // Only the pattern's IDs count (ATT-T1086, not the bare T1086), and the unknown ATT-T1999 is turned off.
    fs.mkdirSync(path.join(dir, '.vscode'));
    fs.mkdirSync(path.join(dir, 'notes'));
    fs.writeFileSync(path.join(dir, 'notes', 'plan.md'), '# Plan\nCover ATT-T1086 and ATT-T1999, not T1086.\n');
    const settings = path.join(dir, '.vscode', 'settings.json');
    fs.writeFileSync(
      settings,
      `{
        // as VS Code writes it: comments and a trailing comma
        "attackLens.diagnostics.severity": { "attack-lens/unknown-id": "off" },
        "attackLens.files": { "**/*.md": "generic", "**/*.yml": "auto" },
        "attackLens.generic.idPattern": "ATT-(T\\\\d{4})",
      }`,
    );
    const r = run(dir, '.', '--settings', settings, '--format', 'json');
    assert.strictEqual(r.code, 1, r.stderr);
    const got = (JSON.parse(r.stdout).findings as JsonFinding[]).map((f) => `${f.file}:${f.line}:${f.column} ${f.code}`);
    assert.deepStrictEqual(got, [
      path.join('notes', 'plan.md') + ':2:11 attack-lens/revoked',
      path.join('rules', 'broken.yml') + ':4:2 attack-lens/parse-error',
      path.join('rules', 'encoded.yml') + ':13:7 attack-lens/revoked',
    ]);
    // Without the settings the .md file is not a rule file and unknown-id is an error again.
    const plain = (JSON.parse(run(dir, '.', '--format', 'json').stdout).findings as JsonFinding[]).map((f) => f.code);
    assert.deepStrictEqual(plain, ['attack-lens/parse-error', 'attack-lens/revoked', 'attack-lens/unknown-id']);
  });

  it('--fix: the preferred fixes written in place, what changed printed, exit by what is left', () => {
    const file = path.join(dir, 'rules', 'encoded.yml');
    fs.writeFileSync(file, '\uFEFF' + RULE.replace(/\n/g, '\r\n'));
    const r = run(dir, 'rules', '--fix');
    assert.strictEqual(r.code, 1, 'the unknown ID and the parse error are left');
    assert.match(r.stdout, /^rules\/encoded\.yml: fixed 1\n {2}line 13: Replace with T1059\.001 \(PowerShell\) \(attack-lens\/revoked\)\n/);
    assert.doesNotMatch(r.stdout, /attack-lens\/revoked$/m, 'the revoked finding is not reported any more');
    assert.match(r.stdout, /14:7 {2}error/);
    const want = '\uFEFF' + RULE.replace('attack.t1086', 'attack.t1059.001').replace(/\n/g, '\r\n');
    assert.strictEqual(fs.readFileSync(file, 'utf8'), want, 'only the tag changed; the BOM and CRLF line ends kept');
    assert.strictEqual(fs.readFileSync(path.join(dir, 'rules', 'broken.yml'), 'utf8'), BROKEN, 'a file without fixes is not rewritten');
    assert.strictEqual(run(dir, 'rules', '--fix', '--fail-on', 'never').stdout.includes('fixed'), false, 'a second run has nothing to fix');
  });

  it('--fix: UTF-16 written back as UTF-16; a file that is not valid UTF-8 is left alone with a note', () => {
    const utf16 = path.join(dir, 'rules', 'encoded.yml');
    fs.writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(RULE, 'utf16le')]));
    const latin1 = path.join(dir, 'rules', 'latin1.yml');
    const latin1Bytes = Buffer.from(RULE.replace('title: Encoded PowerShell', 'title: Encod\xe9 PowerShell'), 'latin1');
    fs.writeFileSync(latin1, latin1Bytes);
    const r = run(dir, 'rules', '--fix', '--fail-on', 'never');
    assert.strictEqual(r.code, 0, r.stderr);
    const fixed = fs.readFileSync(utf16);
    assert.deepStrictEqual([...fixed.subarray(0, 2)], [0xff, 0xfe]);
    assert.strictEqual(fixed.subarray(2).toString('utf16le'), RULE.replace('attack.t1086', 'attack.t1059.001'));
    assert.deepStrictEqual(fs.readFileSync(latin1), latin1Bytes, 'not rewritten');
    assert.match(r.stderr, /^attack-lens: --fix rules\/latin1\.yml: not valid UTF-8, or changed while it was checked; not fixed$/m);
    assert.match(r.stdout, /rules\/latin1\.yml\n {2}13:7 {2}warning .+attack-lens\/revoked/, 'its finding is still reported');
  });

  it('--fix --dry-run: a unified diff that git apply takes, giving what --fix writes; nothing written', () => {
    const r = run(dir, 'rules', '--fix', '--dry-run');
    assert.strictEqual(r.code, 1);
    assert.strictEqual(fs.readFileSync(path.join(dir, 'rules', 'encoded.yml'), 'utf8'), RULE, 'the file is untouched');
    assert.strictEqual(
      r.stdout,
      [
        '--- a/rules/encoded.yml',
        '+++ b/rules/encoded.yml',
        '@@ -10,6 +10,6 @@',
        '     condition: selection',
        ' tags:',
        '     - attack.execution',
        '-    - attack.t1086',
        '+    - attack.t1059.001',
        '     - attack.t1999',
        ' level: high',
        '',
      ].join('\n'),
    );
    const git = (...args: string[]) => spawnSync('git', args, { cwd: dir, encoding: 'utf8', input: r.stdout });
    assert.strictEqual(git('init', '-q').status, 0);
    const applied = git('apply', '-');
    assert.strictEqual(applied.status, 0, applied.stderr);
    assert.strictEqual(fs.readFileSync(path.join(dir, 'rules', 'encoded.yml'), 'utf8'), RULE.replace('attack.t1086', 'attack.t1059.001'));
  });

  it('--format sarif: valid SARIF 2.1.0 (the OASIS schema, checked by a JSON-schema validator) with the fields code scanning reads (needs ../shared)', () => {
    const r = run(dir, 'rules', '--format', 'sarif', '--severity', 'missing-tactic=off');
    assert.strictEqual(r.code, 1, r.stderr);
    const log = JSON.parse(r.stdout);
    const schema = JSON.parse(fs.readFileSync(path.join(sharedRoot, 'schemas', 'sarif-schema-2.1.0.json'), 'utf8'));
    // unicodeRegExp off: the schema's language pattern (`-[a-zA-Z]{2}]?`) is not valid with the u flag.
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    // The schema's formats, checked for real: a URI must parse as one.
    const isUri = (s: string) => URL.canParse(s);
    ajv.addFormat('uri', isUri);
    ajv.addFormat('uri-reference', (s: string) => isUri(s) || URL.canParse(s, 'file:///'));
    ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
    // The shared copy (as in AdaCore's sarif-ada) keeps the root schema under definitions.Root and
    // has none at its top, which would accept anything: validate against Root when it is there.
    ajv.addSchema(schema);
    const validate = ajv.getSchema(schema.properties ? schema.$id : `${schema.$id}#/definitions/Root`)!;
    assert.strictEqual(validate({}), false, 'the schema used rejects an empty object');
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
    // Every format's findings and fixes (Elastic insertions, Sigma added tags) validate too.
    const all = JSON.parse(run(projectRoot, checksFixtures, '--format', 'sarif').stdout);
    assert.ok(all.runs[0].results.length > 20);
    assert.ok(validate(all), JSON.stringify(validate.errors, null, 2));
    // The validator is not a rubber stamp: a result without its message fails.
    const broken = JSON.parse(r.stdout);
    delete broken.runs[0].results[0].message;
    assert.strictEqual(validate(broken), false);

    assert.strictEqual(log.runs.length, 1);
    const driver = log.runs[0].tool.driver;
    assert.strictEqual(driver.name, 'attack-lens');
    assert.strictEqual(driver.version, JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')).version);
    assert.match(driver.informationUri, /^https:\/\//);
    const ruleIds = driver.rules.map((x: { id: string }) => x.id);
    assert.ok(ruleIds.includes('attack-lens/revoked') && ruleIds.includes('attack-lens/parse-error'));
    const missingTactic = driver.rules.find((x: { id: string }) => x.id === 'attack-lens/missing-tactic');
    assert.deepStrictEqual(missingTactic.defaultConfiguration, { level: 'note', enabled: false });
    for (const rule of driver.rules) assert.match(rule.helpUri, /#diagnostics-and-quick-fixes$/);

    const revoked = log.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'attack-lens/revoked');
    assert.strictEqual(revoked.level, 'warning');
    assert.strictEqual(revoked.message.text, 'T1086 (PowerShell) was revoked in ATT&CK; it is now T1059.001 (PowerShell)');
    const loc = revoked.locations[0].physicalLocation;
    assert.deepStrictEqual(loc.artifactLocation, { uri: 'rules/encoded.yml', uriBaseId: '%SRCROOT%' });
    assert.deepStrictEqual(loc.region, { startLine: 13, startColumn: 7, endLine: 13, endColumn: 19 });
    const replacement = revoked.fixes[0].artifactChanges[0].replacements[0];
    assert.deepStrictEqual(replacement, { deletedRegion: { startLine: 13, startColumn: 7, endLine: 13, endColumn: 19 }, insertedContent: { text: 'attack.t1059.001' } });
    assert.strictEqual(log.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'attack-lens/parse-error').level, 'error');
  });

  it('SARIF partialFingerprints: the same across runs and when lines above move; distinct per finding', () => {
    const prints = () =>
      (JSON.parse(run(dir, 'rules/encoded.yml', '--format', 'sarif').stdout).runs[0].results as { ruleId: string; partialFingerprints: Record<string, string> }[]).map(
        (x) => `${x.ruleId} ${Object.values(x.partialFingerprints)[0]}`,
      );
    const first = prints();
    assert.deepStrictEqual(prints(), first);
    assert.strictEqual(new Set(first.map((p) => p.split(' ')[1])).size, first.length);
    fs.writeFileSync(path.join(dir, 'rules', 'encoded.yml'), RULE.replace('status: test\n', 'status: test\ndescription: moved down a line\n'));
    assert.deepStrictEqual(prints(), first);
  });

  it('bad input: exit 2 and one line saying which and why', () => {
    const refused = (why: RegExp, ...args: string[]) => {
      const r = run(dir, ...args);
      assert.strictEqual(r.code, 2, `${args.join(' ')} → ${r.code}: ${r.stderr}`);
      assert.strictEqual(r.stdout, '');
      assert.strictEqual(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
      assert.match(r.stderr, why);
    };
    refused(/no such file or directory: nowhere/, 'rules', 'nowhere');
    fs.writeFileSync(path.join(dir, 'bad.json'), '{ "attackLens.files": ');
    refused(/--settings bad\.json: not valid JSON/, 'rules', '--settings', 'bad.json');
    fs.writeFileSync(path.join(dir, 'level.json'), '{ "attackLens.diagnostics.severity": { "attack-lens/revoked": "warn" } }');
    refused(/--settings level\.json: attackLens\.diagnostics\.severity "attack-lens\/revoked": "warn" is not one of/, 'rules', '--settings', 'level.json');
    fs.writeFileSync(path.join(dir, 'pattern.json'), '{ "attackLens.generic.idPattern": "(T\\\\d+)+" }');
    refused(/--settings pattern\.json: attackLens\.generic\.idPattern /, 'rules', '--settings', 'pattern.json');
    refused(/--settings missing\.json: cannot read the file/, 'rules', '--settings', 'missing.json');
    refused(/--out no\/such\/dir\/out\.sarif: cannot write the report: the folder .+ does not exist/, 'rules', '--out', 'no/such/dir/out.sarif');
    refused(/--severity takes CODE=LEVEL/, 'rules', '--severity', 'no-such-code=error');
    refused(/--severity revoked=loud: the level must be one of/, 'rules', '--severity', 'revoked=loud');
    refused(/--dry-run goes with --fix/, 'rules', '--dry-run');
    refused(/--fail-on must be one of/, 'rules', '--fail-on', 'warnings');
    refused(/--format must be one of text, json, sarif/, 'rules', '--format', 'html');
  });

  it('--out writes the report there and prints nothing', () => {
    const r = run(dir, 'rules', '--format', 'sarif', '--out', 'out.sarif');
    assert.strictEqual(r.code, 1);
    assert.strictEqual(r.stdout, '');
    assert.strictEqual(JSON.parse(fs.readFileSync(path.join(dir, 'out.sarif'), 'utf8')).version, '2.1.0');
  });
});

describe('attack-lens --version', () => {
  it('prints the tool version and the ATT&CK release of each domain it carries', () => {
    const r = spawnSync(process.execPath, [cli, '--version'], { encoding: 'utf8' });
    assert.strictEqual(r.status, 0, r.stderr);
    const index = loadIndex();
    const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8'));
    assert.strictEqual(r.stdout, `attack-lens ${pkg.version}\nATT&CK ${index.domains.map((d) => `${d.domain} ${d.version}`).join(', ')}\n`);
  });
});
