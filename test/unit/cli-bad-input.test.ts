import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { reportError } from '../../src/cli/reportError';
import { projectRoot } from './helpers/attackData';
import { allMalformedBundle, icsWithMalformedObjects, tempDir } from './helpers/badData';

// Every bad input the CLI can be handed: exit 2 and one line on stderr, no stack; special files
// are skipped (a FIFO never hangs it). The CLI runs as a child with a deadline: a child that had
// to be killed fails the test instead of hanging the suite.

const cli = path.join(projectRoot, 'dist', 'cli.js');
const rules = path.join(projectRoot, 'test', 'fixtures', 'coverage', 'formats');
const DEADLINE_MS = 20_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: readonly string[], env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: projectRoot, encoding: 'utf8', timeout: DEADLINE_MS, killSignal: 'SIGKILL', env: { ...process.env, ATTACK_LENS_DEBUG: '', ...env } });
  assert.strictEqual(r.signal, null, `attack-lens ${args.join(' ')} did not end by itself within ${DEADLINE_MS} ms`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 2, nothing on stdout, one line on stderr that matches `why`, and no stack frame. */
function refused(args: readonly string[], why: RegExp): void {
  const r = run(args);
  const label = `attack-lens ${args.join(' ')}`;
  assert.strictEqual(r.code, 2, `${label} → ${r.code}: ${r.stderr}`);
  assert.strictEqual(r.stdout, '', label);
  const lines = r.stderr.split('\n').filter(Boolean);
  assert.strictEqual(lines.length, 1, `${label}: one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0], /^attack-lens: /, label);
  assert.match(lines[0], why, label);
  assert.doesNotMatch(r.stderr, /^\s+at /m, `${label}: no stack trace`);
}

describe('attack-lens on bad input (needs ../shared)', function () {
  this.timeout(120_000);
  let dir: string;
  let fifo: string;
  let allBad: string;
  let someBad: string;
  before(() => {
    dir = tempDir('cli-bad');
    fifo = path.join(dir, 'pipe.yml');
    execFileSync('mkfifo', [fifo]);
    allBad = path.join(dir, 'all-malformed.json');
    fs.writeFileSync(allBad, JSON.stringify(allMalformedBundle()));
    someBad = path.join(dir, 'ics-malformed.json');
    fs.writeFileSync(someBad, JSON.stringify(icsWithMalformedObjects().bundle));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('--stix: a bundle with nothing usable, /dev/null, /dev/zero, a FIFO, a folder without bundles: every command', () => {
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    const cases: [string, RegExp][] = [
      [allBad, /all-malformed\.json: no ATT&CK matrix or techniques found.*skipped 2 malformed objects \(first: x-mitre-matrix--1 field external_references: expected a list\)/],
      ['/dev/null', /\/dev\/null: a character device, not a regular file/],
      ['/dev/zero', /\/dev\/zero: a character device, not a regular file/],
      [fifo, /pipe\.yml: a FIFO \(named pipe\), not a regular file/],
      [empty, /no ATT&CK STIX bundle among 0 file/],
    ];
    for (const [stix, why] of cases) {
      for (const command of [['stats'], ['show', 'T1059'], ['search', 'powershell'], ['coverage', rules]]) refused([...command, '--stix', stix], why);
    }
  });

  it('--stix: a bundle with some malformed objects is used, with a note that counts them', () => {
    const r = run(['stats', '--json', '--stix', someBad]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stderr, /ics-malformed\.json: skipped 5 malformed objects \(first: attack-pattern--\S+ field name: expected a string\)/);
    assert.strictEqual(JSON.parse(r.stdout).domains[0].domain, 'ics-attack');
  });

  it('--stix folder holding a FIFO bundle: the FIFO is skipped with its reason, the rest is used', () => {
    const stixDir = path.join(dir, 'stix');
    fs.mkdirSync(stixDir);
    fs.copyFileSync(someBad, path.join(stixDir, 'ics.json'));
    execFileSync('mkfifo', [path.join(stixDir, 'zz-pipe.json')]);
    const r = run(['stats', '--stix', stixDir]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stderr, /skipping \S*zz-pipe\.json: cannot read the bundle: a FIFO \(named pipe\), not a regular file/);
    assert.match(r.stdout, /^ics-attack /);
  });

  it('coverage: a FIFO, /dev/zero and a socket among the rule paths are skipped with their kind', async () => {
    const folder = path.join(dir, 'rules');
    fs.mkdirSync(folder);
    fs.copyFileSync(path.join(rules, 'sigma_powershell.yml'), path.join(folder, 'a.yml'));
    execFileSync('mkfifo', [path.join(folder, 'b-pipe.yml')]);
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(path.join(folder, 'c-socket.yml'), resolve));
    try {
      const r = run(['coverage', folder, fifo, '/dev/zero', '--format', 'json']);
      assert.strictEqual(r.code, 0, r.stderr);
      const j = JSON.parse(r.stdout) as { rules: number; skipped: { file: string; reason: string }[] };
      assert.strictEqual(j.rules, 1);
      const reasons = Object.fromEntries(j.skipped.map((s) => [path.basename(s.file), s.reason]));
      assert.deepStrictEqual(reasons, {
        'b-pipe.yml': 'a FIFO (named pipe), not a regular file',
        'c-socket.yml': 'a socket, not a regular file',
        'pipe.yml': 'a FIFO (named pipe), not a regular file',
        zero: 'a character device, not a regular file',
      });
      assert.match(r.stderr, /skipped \/dev\/zero: a character device/);
    } finally {
      server.close();
    }
  });

  it('--out a folder or /dev/full: one line naming --out', () => {
    refused(['coverage', rules, '--out', dir], /--out \S+: a folder, not a file/);
    refused(['coverage', rules, '--out', '/dev/full'], /--out \/dev\/full: cannot write the report: no space left on the device/);
  });

  it('stdout that cannot be written (> /dev/full): one line, exit 2, for every command', () => {
    const full = fs.openSync('/dev/full', 'w');
    try {
      for (const args of [['stats'], ['show', 'T1059', '--json'], ['coverage', rules, '--format', 'json'], ['migrate', rules, '--from', '18.1', '--to', '18.1']]) {
        const r = spawnSync(process.execPath, [cli, ...args], { cwd: projectRoot, stdio: ['ignore', full, 'pipe'], encoding: 'utf8', timeout: DEADLINE_MS, killSignal: 'SIGKILL' });
        assert.strictEqual(r.signal, null, `${args.join(' ')} ended by itself`);
        assert.strictEqual(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.strictEqual(r.stderr, 'attack-lens: cannot write the output: no space left on the device\n');
      }
    } finally {
      fs.closeSync(full);
    }
  });

  it('--profile: deeply nested, a folder, a FIFO', () => {
    const deep = path.join(dir, 'deep.json');
    fs.writeFileSync(deep, '['.repeat(200_000) + ']'.repeat(200_000));
    refused(['coverage', rules, '--profile', deep], /--profile \S+deep\.json: nested too deeply to read/);
    refused(['coverage', rules, '--profile', dir], /--profile \S+: cannot read the file: a folder, not a file/);
    refused(['coverage', rules, '--profile', fifo], /--profile \S+pipe\.yml: cannot read the file: a FIFO/);
  });

  it('--atomics: a FIFO or a device', () => {
    refused(['coverage', rules, '--atomics', fifo], /--atomics \S+pipe\.yml: a FIFO/);
    refused(['coverage', rules, '--atomics', '/dev/zero'], /--atomics \/dev\/zero: a character device/);
  });

  it('migrate --from a folder, a FIFO or a bundle with nothing usable', () => {
    refused(['migrate', rules, '--from', dir + path.sep, '--to', '18.1'], /cannot read the bundle: a folder, not a file/);
    refused(['migrate', rules, '--from', fifo, '--to', '18.1'], /pipe\.yml: cannot read the bundle: a FIFO/);
    refused(['migrate', rules, '--from', allBad, '--to', '18.1'], /all-malformed\.json: no ATT&CK matrix/);
  });

  it('--stix: a bundle whose JSON error quotes a terminal escape prints it as a code point, not as ESC', () => {
    const file = path.join(dir, 'escape.json');
    fs.writeFileSync(file, '{"type": "bundle", "objects": [\x1b]0;pwned\x07');
    refused(['stats', '--stix', file], /not valid JSON.*<U\+001B>/);
    assert.doesNotMatch(run(['stats', '--stix', file]).stderr, /[\x00-\x09\x0b-\x1f]/);
  });

  it('--fail-under takes a decimal number from 0 to 100 only', () => {
    for (const v of ['abc', '-1', '101', '1e2', '50%', '0x10', ' 5', '100.5']) refused(['coverage', rules, `--fail-under=${v}`], /--fail-under takes a decimal number from 0 to 100/);
    refused(['coverage', rules, '--fail-under='], /--fail-under needs a value/);
    assert.strictEqual(run(['coverage', rules, '--fail-under', '0.0']).code, 0);
    assert.strictEqual(run(['coverage', rules, '--fail-under', '100']).code, 1);
  });

  it('a corrupt compiled index (ATTACK_LENS_INDEX) names the file and the field', () => {
    const j = JSON.parse(fs.readFileSync(path.join(projectRoot, 'dist', 'attack-index.json'), 'utf8'));
    j.domains[0].techniques[3].tactics = 'execution';
    const file = path.join(dir, 'index.json');
    fs.writeFileSync(file, JSON.stringify(j));
    const r = run(['stats'], { ATTACK_LENS_INDEX: file });
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /^attack-lens: \S+index\.json: not a usable compiled index: domains\[0\]\.techniques\[3\]\.tactics: expected a list of strings\n$/);
  });

  it('ATTACK_LENS_DEBUG=1 adds the stack', () => {
    const r = run(['stats', '--stix', allBad], { ATTACK_LENS_DEBUG: '1' });
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /^attack-lens: .*no ATT&CK matrix/);
    assert.match(r.stderr, /^\s+at /m);
  });

  describe('reportError (what escapes a command)', () => {
    const report = (e: unknown) => {
      const lines: string[] = [];
      return { code: reportError(e, (t) => lines.push(t)), lines };
    };
    it('a bug: one line with the hint, exit 70', () => {
      const r = report(new TypeError('x is not iterable\n    at somewhere'));
      assert.strictEqual(r.code, 70);
      assert.deepStrictEqual(r.lines, ['attack-lens: internal error: x is not iterable (set ATTACK_LENS_DEBUG=1 for details)']);
    });
    it('a file-system error: one line naming the path, exit 2', () => {
      const e = Object.assign(new Error("EACCES: permission denied, open '/x'"), { code: 'EACCES', syscall: 'open', path: '/x' });
      assert.deepStrictEqual(report(e), { code: 2, lines: ['attack-lens: /x: permission denied'] });
    });
  });
});
