import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AttackIndex } from '../../src/attack/index';
import { profileFromActors, profileToSetting } from '../../src/coverage/profile';
import { layerViolations, loadIndex, projectRoot } from './coverage-helpers';

// `attack-lens coverage --profile`: the team's threat profile in CI, read from the settings file
// "Choose threat profile" writes, a Navigator layer, or actors / technique IDs on the command line.

const cli = path.join(projectRoot, 'dist', 'cli.js');
const formats = path.join(projectRoot, 'test', 'fixtures', 'coverage', 'formats');

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'coverage', formats, ...args], { cwd: projectRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface ProfileJson {
  name: string;
  source: string;
  actors: string[];
  techniques: number;
  covered: number;
  gaps: { id: string; weight: number; status: string; actors: string[] }[];
}

describe('attack-lens coverage --profile', function () {
  this.timeout(60_000);
  let index: AttackIndex;
  let dir: string;
  before(() => {
    index = loadIndex();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attack-lens-profile-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The gaps a profile must have: its active enterprise techniques that no rule of the report names directly. */
  function expectedGaps(techniques: readonly string[], covered: Record<string, { rules: number }>): string[] {
    return techniques.filter((id) => {
      const t = index.technique(id);
      return t && index.isActive(t) && t.domain === 'enterprise-attack' && !(covered[id]?.rules > 0);
    }).sort();
  }

  it('reads attackLens.threatProfile from a settings file with comments, as Choose threat profile writes it', () => {
    const setting = { ...profileToSetting(profileFromActors(index, ['G0016'])), name: 'Our adversaries' };
    const file = path.join(dir, 'settings.json');
    fs.writeFileSync(file, `{\n  // shared with the team\n  "editor.tabSize": 2,\n  "attackLens.threatProfile": ${JSON.stringify(setting)},\n}\n`);
    const r = run('--format', 'json', '--profile', file);
    assert.strictEqual(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { techniques: Record<string, { rules: number }>; profile: ProfileJson };
    assert.strictEqual(report.profile.name, 'Our adversaries');
    assert.deepStrictEqual(report.profile.actors, ['G0016']);
    assert.deepStrictEqual(report.profile.gaps.map((g) => g.id).sort(), expectedGaps(Object.keys(setting.techniques), report.techniques));
    assert.strictEqual(report.profile.covered + report.profile.gaps.length, report.profile.techniques);
    assert.ok(report.profile.gaps.every((g) => g.actors.includes('APT29') && g.weight === 1));
  });

  it('takes actors by name or alias and technique IDs on the command line', () => {
    const named = JSON.parse(run('--format', 'json', '--profile', 'Cozy Bear,FIN7').stdout) as { profile: ProfileJson };
    assert.deepStrictEqual(named.profile.actors, ['G0016', 'G0046']);
    const weights = new Map(named.profile.gaps.map((g) => [g.id, g.weight]));
    const both = [...weights].filter(([, w]) => w === 2).map(([id]) => id);
    for (const id of both) {
      const users = index.actorsUsing(id).map((a) => a.id);
      assert.ok(users.includes('G0016') && users.includes('G0046'), `${id} has weight 2: both actors use it`);
    }
    const ids = JSON.parse(run('--format', 'json', '--profile', 'T1086,T1003.006').stdout) as { techniques: Record<string, { rules: number }>; profile: ProfileJson };
    assert.strictEqual(ids.profile.source, 'ids');
    assert.deepStrictEqual(ids.profile.techniques, 2, 'T1086 counts as its replacement T1059.001');
    assert.deepStrictEqual(ids.profile.gaps.map((g) => g.id), expectedGaps(['T1059.001', 'T1003.006'], ids.techniques));
  });

  it('weights a Navigator layer by its scores; adds the ranked gaps to summary, markdown and csv', () => {
    const layer = path.join(dir, 'red-team.json');
    fs.writeFileSync(layer, JSON.stringify({ name: 'Red team plan', versions: { layer: '4.3' }, domain: 'enterprise-attack', techniques: [{ techniqueID: 'T1021.002', score: 5 }, { techniqueID: 'T1003.006', score: 2 }] }));
    const json = JSON.parse(run('--format', 'json', '--profile', layer).stdout) as { profile: ProfileJson };
    assert.strictEqual(json.profile.source, 'layer');
    assert.deepStrictEqual(json.profile.gaps.map((g) => [g.id, g.weight]), [['T1021.002', 5], ['T1003.006', 2]].filter(([id]) => json.profile.gaps.some((g) => g.id === id)));
    assert.ok(json.profile.gaps.length > 0);
    const summary = run('--profile', layer).stdout;
    assert.match(summary, /Threat profile “Red team plan”: \d+\/2 techniques covered/);
    assert.match(run('--format', 'markdown', '--profile', layer).stdout, /## Threat profile gaps: Red team plan\n/);
    assert.match(run('--format', 'csv', '--profile', layer).stdout, /\r\nprofile_gap,technique_id,name,weight,status,reason\r\ngap,T1021\.002,/);
  });

  it('takes its own multi-domain Navigator export as a profile: the primary domain\'s layer', () => {
    const exported = path.join(dir, 'both-domains.json');
    assert.strictEqual(run('--format', 'navigator', '--domain', 'ics,enterprise', '--out', exported).code, 0);
    const layers = JSON.parse(fs.readFileSync(exported, 'utf8')) as { domain: string; techniques: { techniqueID: string; score?: number }[] }[];
    const enterprise = new Set(layers.find((l) => l.domain === 'enterprise-attack')!.techniques.filter((t) => (t.score ?? 0) > 0).map((t) => t.techniqueID));
    const r = run('--format', 'json', '--profile', exported);
    assert.strictEqual(r.code, 0, r.stderr);
    const profile = (JSON.parse(r.stdout) as { profile: ProfileJson }).profile;
    assert.strictEqual(profile.name, 'ATT&CK Lens coverage (enterprise-attack)');
    assert.ok(profile.techniques > 0 && profile.techniques <= enterprise.size, `${profile.techniques} of ${enterprise.size}`);
  });

  it('--format navigator with a profile: a valid 4.5 layer with the profile gaps coloured and unscored', () => {
    const layer = JSON.parse(run('--format', 'navigator', '--profile', 'G0016').stdout) as { techniques: { techniqueID: string; score?: number; color?: string }[] };
    assert.deepStrictEqual(layerViolations(layer), []);
    const gaps = layer.techniques.filter((t) => t.score === undefined);
    assert.ok(gaps.length > 10 && gaps.every((t) => /^#[0-9a-f]{6}$/.test(t.color ?? '')));
  });

  it('exits 2 with the reason for an unknown actor, a broken file and a layer that is not one', () => {
    const unknown = run('--profile', 'Nobody Bear');
    assert.strictEqual(unknown.code, 2);
    assert.match(unknown.stderr, /"Nobody Bear" is not a group, software or campaign of ATT&CK v18\.1/);
    const broken = path.join(dir, 'broken.json');
    fs.writeFileSync(broken, '{\n  "attackLens.threatProfile": {\n    "actors": [G0016]\n}');
    assert.match(run('--profile', broken).stderr, /--profile .*broken\.json: not valid JSON \(\w+ on line 3\)/);
    const notLayer = path.join(dir, 'not-layer.json');
    fs.writeFileSync(notLayer, JSON.stringify({ name: 'x', versions: { layer: '4.5' }, domain: 'enterprise-attack', techniques: [{ techniqueID: 42 }] }));
    const r = run('--profile', notLayer);
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /neither a settings file with attackLens\.threatProfile nor a usable Navigator layer: .*techniques\[0\]\.techniqueID/);
  });
});
