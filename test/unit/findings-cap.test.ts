import * as assert from 'assert';
import { publishCapped } from '../../src/editor/findingsCap';

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
