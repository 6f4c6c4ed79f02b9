import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { ID_IN_TEXT } from '../../src/attack/ids';
import { checkRuleFile } from '../../src/checks/referenceChecks';
import { parseRuleFile } from '../../src/rules/index';
import { compileIdPattern, matchUserPattern } from '../../src/rules/idPattern';
import { kindInProse } from '../../src/rules/refIds';
import { index18, projectRoot } from './helpers/attackData';
import { miniIndex } from './helpers/miniAttack';

// Issue 14 §5: what an ID names is decided by looking it up in the loaded domains; the ID
// pattern is only the first filter, and it admits the current ranges (ICS T169x, software S9xxx,
// detection strategies, analytics, data components).

const CURRENT_RANGES = ['T1059.001', 'T1691', 'T1699.001', 'TA0112', 'G1054', 'S9001', 'C0060', 'M0955', 'DET0001', 'AN2033', 'DC0001'];

const manifest = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { default?: unknown }> } } };

describe('IDs by lookup, in every domain', () => {
  it('the built-in pattern and attackLens.generic.idPattern\'s default admit every current range', () => {
    const setting = manifest.contributes.configuration.properties['attackLens.generic.idPattern'].default as string;
    const compiled = compileIdPattern(setting);
    assert.ok('re' in compiled, `the default compiles: ${JSON.stringify(compiled)}`);
    for (const re of [ID_IN_TEXT, compiled.re]) {
      const text = CURRENT_RANGES.join(', ');
      const found = matchUserPattern(re, text)!.map((m) => m.match[1] ?? m.match[0]);
      assert.deepStrictEqual(found, CURRENT_RANGES, re.source);
      assert.deepStrictEqual(matchUserPattern(re, 'XT1059 T10590 DET00011 S123 AN12')!.length, 0, 'word boundaries hold');
    }
  });

  it('the kind of an ID in prose is what the loaded data says; an ID it lacks falls back to its prefix', () => {
    const index = miniIndex();
    assert.strictEqual(kindInProse('T1059', index), 'technique');
    assert.strictEqual(kindInProse('G0016', index), 'group');
    assert.strictEqual(kindInProse('DET0999', index), 'detection-strategy');
    assert.strictEqual(kindInProse('DC0123', undefined), 'data-component');
  });

  it('a generic file names detection strategies, analytics and data components too, each checked against the data (needs ../shared)', () => {
    const index = index18();
    const rel = path.join('test', 'fixtures', 'checks', 'newer', 'notes.md');
    const text = fs.readFileSync(path.join(projectRoot, rel), 'utf8');
    const parsed = parseRuleFile(text, rel, index, { format: 'generic' });
    const refs = parsed.rules[0].references.map((r) => [r.id, r.kind]);
    assert.deepStrictEqual(refs, [
      ['T1685', 'technique'],
      ['S9001', 'software'],
      ['DET0001', 'detection-strategy'],
      ['DC0001', 'data-component'],
      ['AN0001', 'analytic'],
      ['T1999', 'technique'],
    ]);
    for (const [id, kind] of refs) if (index.get(id!)) assert.strictEqual(index.get(id!)!.kind, kind, `${id} by lookup`);
    const found = checkRuleFile(parsed, text, index).map((f) => [f.code, f.ref?.text, f.defaultSeverity]);
    assert.deepStrictEqual(found, [
      ['attack-lens/newer-than-data', 'T1685', 'information'],
      ['attack-lens/newer-than-data', 'S9001', 'information'],
      ['attack-lens/unknown-id', 'T1999', 'information'],
    ]);
  });
});
