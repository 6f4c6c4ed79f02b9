import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { compileBundle } from '../../src/attack/compile';
import { AttackIndex } from '../../src/attack/index';
import { malformedWarning, readStixBundle } from '../../src/attack/stix';
import { AttackDataError } from '../../src/attack/types';
import { readRegularFile } from '../../src/node/readRegularFile';
import { projectRoot, rawObjects } from './helpers/attackData';
import { allMalformedBundle, BREAKS, icsWithMalformedObjects } from './helpers/badData';

// Input from outside is checked where it enters: STIX bundles per object, compiled indexes
// whole, files by what they are (regular or not) and by the bytes read.

describe('bad ATT&CK data', () => {
  it('a bundle with wrongly typed fields is read without those objects, and the warning counts them (needs ../shared)', () => {
    const { bundle, brokenIds, firstStixId } = icsWithMalformedObjects();
    const read = readStixBundle(JSON.stringify(bundle), 'ics-bad.json');
    assert.strictEqual(read.malformed.length, BREAKS.length);
    BREAKS.forEach((b, i) => assert.match(read.malformed[i].problem, b.problem, b.field));
    assert.strictEqual(
      malformedWarning(read),
      `ics-bad.json: skipped ${BREAKS.length} malformed objects (first: ${firstStixId} field name: expected a string)`,
    );
    const index = new AttackIndex([compileBundle(read)]);
    for (const id of brokenIds) assert.strictEqual(index.technique(id), undefined, `${id} left out`);
    const all = rawObjects('ics-attack-18.1.json').filter((o) => o.type === 'attack-pattern' && !o.revoked && !o.x_mitre_deprecated).length;
    assert.strictEqual(index.domain('ics-attack')!.techniques.filter((t) => !t.revoked && !t.deprecated).length, all - BREAKS.length);
  });

  it('entries that are not objects or have no id are counted, not dropped silently (needs ../shared)', () => {
    const { bundle } = icsWithMalformedObjects();
    (bundle.objects as unknown[]).push(7, null, { type: 'attack-pattern' });
    const read = readStixBundle(JSON.stringify(bundle), 'x.json');
    assert.strictEqual(read.malformed.length, BREAKS.length + 3);
    assert.deepStrictEqual(read.malformed.slice(-3).map((m) => m.problem), ['expected an object', 'expected an object', 'field id: expected a string']);
  });

  it('a bundle left with no ATT&CK once its malformed objects are out is refused whole, saying why', () => {
    assert.throws(
      () => readStixBundle(JSON.stringify(allMalformedBundle()), 'bad.json'),
      (e: unknown) =>
        e instanceof AttackDataError &&
        /^bad\.json: no ATT&CK matrix or techniques found/.test(e.message) &&
        e.message.includes('skipped 2 malformed objects (first: x-mitre-matrix--1 field external_references: expected a list)'),
    );
  });

  describe('compiled index read back from a file', () => {
    let shipped: string;
    before(() => {
      shipped = fs.readFileSync(path.join(projectRoot, 'dist', 'attack-index.json'), 'utf8');
    });
    const corrupt = (edit: (j: { domains: Record<string, unknown[] | unknown>[] }) => void) => {
      const j = JSON.parse(shipped);
      edit(j);
      return JSON.stringify(j);
    };
    const refused = (text: string, field: RegExp) =>
      assert.throws(() => AttackIndex.fromJson(text, 'cache.json'), (e: unknown) => e instanceof AttackDataError && e.message.startsWith('cache.json: ') && field.test(e.message));

    it('the shipped index passes', () => {
      assert.ok(AttackIndex.fromJson(shipped, 'dist').technique('T1059'));
    });

    it('a wrongly typed entry field is refused with its path', () => {
      refused(corrupt((j) => ((j.domains[0].techniques as Record<string, unknown>[])[12].name = 5)), /domains\[0\]\.techniques\[12\]\.name: expected a string/);
      refused(corrupt((j) => ((j.domains[1].groups as Record<string, unknown>[])[0].techniques = 'T1059')), /domains\[1\]\.groups\[0\]\.techniques: expected a list of strings/);
    });

    it('a missing list, a foreign format or a domain that is not an object is refused', () => {
      refused(corrupt((j) => delete j.domains[0].tactics), /domains\[0\]\.tactics: expected a list/);
      refused(corrupt((j) => (j.domains[2] = 'ics' as never)), /domains\[2\]: expected an object/);
      refused(JSON.stringify({ format: 99, domains: [] }), /unsupported compiled index \(format 99/);
      refused('[]', /unsupported compiled index/);
      refused('null', /unsupported compiled index/);
    });
  });

  describe('readRegularFile', () => {
    it('refuses a character device without reading it (/dev/zero reports size 0 and never ends)', () => {
      assert.deepStrictEqual(readRegularFile('/dev/zero', 1024), { refused: 'a character device, not a regular file' });
    });

    it('applies the cap to the bytes read, not to the size stat reports', () => {
      // /proc files are regular files whose stat size is 0 whatever they hold.
      assert.strictEqual(fs.statSync('/proc/self/maps').size, 0);
      const whole = readRegularFile('/proc/self/maps', 1024 * 1024);
      assert.ok('bytes' in whole && whole.bytes.length > 16, 'read in full under a large cap');
      assert.deepStrictEqual(readRegularFile('/proc/self/maps', 16), { refused: 'larger than 16 bytes' });
    });

    it('says what a folder or a missing file is', () => {
      assert.deepStrictEqual(readRegularFile(projectRoot, 1024), { refused: 'a folder, not a file' });
      assert.deepStrictEqual(readRegularFile(path.join(projectRoot, 'no-such-file'), 1024), { refused: 'no such file', code: 'ENOENT' });
    });
  });
});
