import * as assert from 'assert';
import { plain } from '../../src/commands/notice';

// Notification text built from layer names, settings and file names never forms a link.

describe('notification text', () => {
  it('breaks every markdown link, command links included, and leaves other brackets alone', () => {
    const linkIn = (s: string) => /\[[^\]]*\]\(/.test(s);
    for (const name of ['Red team [x](command:workbench.action.quit)', '[a](https://x) and [b] (c) and [c]  (command:x)', 'nested [[x](y)](z)']) {
      assert.ok(!linkIn(plain(name)), plain(name));
    }
    assert.strictEqual(plain('APT29 [v2] (2024) plan'), 'APT29 [v2] (2024) plan');
    assert.strictEqual(plain('Baseline “Q3”: 12 techniques'), 'Baseline “Q3”: 12 techniques');
  });
});
