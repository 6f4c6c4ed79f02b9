import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { startWorkspace } from '../host/startWorkspace';
import { projectRoot } from './helpers/attackData';

// `npm start` opens a scratch copy of examples/ (code-server auto-saves: trying the extension
// must not rewrite tracked files), or a folder named on its command line as it is.

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

describe('npm start: the workspace it opens', () => {
  const examples = path.join(projectRoot, 'examples');

  it('is a copy of examples/ outside the repository, and an edit there leaves examples/ alone', () => {
    const opened = startWorkspace(undefined, examples);
    try {
      assert.strictEqual(opened.copyOf, examples);
      const rel = path.relative(projectRoot, opened.path);
      assert.ok(rel.startsWith('..') || path.isAbsolute(rel), `${opened.path} is outside ${projectRoot}`);
      assert.deepStrictEqual(filesUnder(opened.path), filesUnder(examples));
      const rule = filesUnder(examples).find((f) => f.endsWith('.yml'))!;
      const before = fs.readFileSync(path.join(examples, rule), 'utf8');
      fs.writeFileSync(path.join(opened.path, rule), before + '\n# edited\n');
      assert.strictEqual(fs.readFileSync(path.join(examples, rule), 'utf8'), before);
    } finally {
      opened.remove();
    }
    assert.ok(!fs.existsSync(opened.path), 'removed');
  });

  it('opens a folder named on the command line as it is, and never removes it', () => {
    const named = path.join(examples, 'sigma');
    const opened = startWorkspace(named, examples);
    assert.strictEqual(opened.path, named);
    assert.strictEqual(opened.copyOf, undefined);
    opened.remove();
    assert.ok(fs.existsSync(named));
  });
});
