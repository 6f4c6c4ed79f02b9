import * as assert from 'assert';
import { miniIndex } from './helpers/miniAttack';

// What the synthetic bundle (test/fixtures/stix/, see its README) compiles to, counted by hand
// from the fixture: the tests that run on it rely on these facts. No ../shared needed.

describe('the synthetic ATT&CK bundle', () => {
  it('compiles to its tactics in matrix order and its techniques, sub-techniques, revoked and deprecated entries', () => {
    const index = miniIndex();
    assert.deepStrictEqual(index.domains.map((d) => `${d.domain} ${d.version}`), ['enterprise-attack 1.0']);
    assert.deepStrictEqual(index.tactics().map((t) => t.shortname), ['execution', 'persistence', 'defense-evasion', 'credential-access']);
    const active = index.activeTechniques();
    assert.deepStrictEqual(active.filter((t) => !t.isSubtechnique).map((t) => t.id).sort(), ['T1003', 'T1027', 'T1059', 'T1204', 'T1547']);
    assert.deepStrictEqual(active.filter((t) => t.isSubtechnique).map((t) => t.id).sort(), ['T1003.001', 'T1003.002', 'T1003.008', 'T1059.001', 'T1059.003', 'T1059.004', 'T1547.001']);
    assert.strictEqual(index.replacementOf('T1086'), 'T1059.001');
    assert.strictEqual(index.technique('T1064')?.deprecated, true);
    assert.strictEqual(index.fullName('T1059.001'), 'Command and Scripting Interpreter: PowerShell');
  });

  it('has groups with aliases and techniques, software, a campaign and a mitigation', () => {
    const index = miniIndex();
    assert.deepStrictEqual(index.group('G0016')?.aliases, ['APT29', 'Cozy Bear', 'The Dukes']);
    assert.deepStrictEqual(index.group('G0016')?.techniques, ['T1003.001', 'T1027', 'T1059.001', 'T1547.001']);
    assert.deepStrictEqual(index.groupsUsing('T1547.001').map((g) => g.id).sort(), ['G0007', 'G0016']);
    assert.strictEqual(index.group('G0099')?.deprecated, true);
    assert.deepStrictEqual(index.software('S0002')?.techniques, ['T1003.001']);
    assert.deepStrictEqual(index.campaign('C0024')?.groups, ['G0016']);
    assert.deepStrictEqual(index.mitigationsFor('T1003').map((m) => m.id), ['M1026']);
  });
});
