import * as assert from 'assert';
import { Finding } from '../../src/checks/findings';
import { findingsToShow, MAX_DIAGNOSTICS_PER_FILE, publishCapped } from '../../src/editor/findingsCap';

// The cap on files listed in the Problems panel for the workspace (attackLens.diagnostics.scope).

describe('Problems for the workspace: the cap on files with findings', () => {
  const files = ['a', 'b', 'c', 'd', 'e', 'f'];
  const withFindings = new Set(['a', 'c', 'd', 'f']);

  it('publishes the first files with findings up to the cap, in order, and counts the rest', async () => {
    const asked: string[] = [];
    const r = await publishCapped(files, 2, (f) => withFindings.has(f), (f) => (asked.push(f), true));
    assert.deepStrictEqual(r?.published, ['a', 'c']);
    assert.deepStrictEqual(asked, ['a', 'c'], 'files past the cap are not published');
    assert.strictEqual(r?.leftOut, 2, 'd and f are left out; b and e have nothing to show');
  });

  it('a file whose findings are all turned off does not use up the cap', async () => {
    const r = await publishCapped(files, 2, (f) => withFindings.has(f), (f) => f !== 'a');
    assert.deepStrictEqual(r?.published, ['c', 'd']);
    assert.strictEqual(r?.leftOut, 1);
  });

  it('under the cap nothing is left out', async () => {
    const r = await publishCapped(files, 5000, (f) => withFindings.has(f), () => true);
    assert.deepStrictEqual(r?.published, ['a', 'c', 'd', 'f']);
    assert.strictEqual(r?.leftOut, 0);
  });

  it('pauses after each file published, and stops when a pause says so', async () => {
    const asked: string[] = [];
    let pauses = 0;
    const r = await publishCapped(files, 5000, (f) => withFindings.has(f), (f) => (asked.push(f), true), async () => ++pauses < 2);
    assert.strictEqual(r, undefined, 'stopped');
    assert.deepStrictEqual(asked, ['a', 'c'], 'nothing published after the pause that stopped it');
  });
});

describe('Problems for one file: at most so many findings, the most severe first', () => {
  const finding = (code: string, line: number, defaultSeverity: Finding['defaultSeverity'] = 'warning'): Finding => ({ code: code as Finding['code'], defaultSeverity, message: `${code} on ${line}`, span: { start: { line, character: 0 }, end: { line, character: 1 } }, fixes: [] });

  it('keeps every finding not turned off when they fit, in the file\'s order', () => {
    const fs = [finding('attack-lens/revoked', 1), finding('attack-lens/tag-format', 2), finding('attack-lens/revoked', 3)];
    const r = findingsToShow(fs, (code, fallback) => (code === 'attack-lens/tag-format' ? 'off' : fallback), 5);
    assert.deepStrictEqual(r.shown.map((s) => s.finding.span.start.line), [1, 3]);
    assert.strictEqual(r.total, 2, 'a finding turned off is not counted');
  });

  it('past the cap, the most severe come first and each severity keeps the file\'s order', () => {
    const fs: Finding[] = [];
    for (let line = 0; line < 30; line++) fs.push(finding(line % 3 === 0 ? 'attack-lens/unknown-id' : 'attack-lens/revoked', line, line % 3 === 0 ? 'error' : 'warning'));
    const r = findingsToShow(fs, (_code, fallback) => fallback, 12);
    assert.strictEqual(r.total, 30);
    assert.strictEqual(r.shown.length, 12);
    // Ten errors (lines 0, 3, …, 27), then the first two warnings (lines 1, 2).
    assert.deepStrictEqual(r.shown.map((s) => s.finding.span.start.line), [0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 1, 2]);
    assert.ok(r.shown.slice(0, 10).every((s) => s.severity === 'error'));
  });

  it('asks for a severity once per code and default, not once per finding', () => {
    const fs = Array.from({ length: 5000 }, (_, i) => finding(i % 2 ? 'attack-lens/revoked' : 'attack-lens/deprecated', i));
    let asked = 0;
    const r = findingsToShow(fs, (_code, fallback) => (asked++, fallback));
    assert.strictEqual(asked, 2);
    assert.strictEqual(r.shown.length, MAX_DIAGNOSTICS_PER_FILE);
    assert.strictEqual(r.total, 5000);
  });
});
