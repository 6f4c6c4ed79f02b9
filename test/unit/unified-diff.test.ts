import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { applyEdits } from '../../src/checks/fixAll';
import { TextEdit } from '../../src/checks/findings';
import { unifiedDiff } from '../../src/cli/unifiedDiff';
import { tempDir } from './helpers/badData';

// `check --fix --dry-run`'s diff: whatever the edits, `git apply` of the diff must give exactly
// what applying the edits gives.

const at = (line: number, character: number, endLine = line, endCharacter = character, newText = ''): TextEdit => ({
  span: { start: { line, character }, end: { line: endLine, character: endCharacter } },
  newText,
});

function appliedByGit(text: string, diff: string): string {
  const dir = tempDir('diff');
  try {
    fs.writeFileSync(path.join(dir, 'rule.yml'), text);
    const init = spawnSync('git', ['init', '-q'], { cwd: dir });
    assert.strictEqual(init.status, 0);
    const r = spawnSync('git', ['apply', '-'], { cwd: dir, input: diff, encoding: 'utf8' });
    assert.strictEqual(r.status, 0, `git apply refused:\n${diff}\n${r.stderr}`);
    return fs.readFileSync(path.join(dir, 'rule.yml'), 'utf8');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('unified diff of fixes', () => {
  const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
  const cases: [string, string, TextEdit[]][] = [
    ['one replacement', lines.join('\n') + '\n', [at(4, 5, 4, 6, 'five')]],
    ['an inserted line (a tactic tag added)', lines.join('\n') + '\n', [at(10, 0, 10, 0, '    - attack.execution\n')]],
    ['edits on adjacent lines and on one line', lines.join('\n') + '\n', [at(3, 0, 3, 4, 'LINE'), at(4, 0, 4, 4, 'LINE'), at(4, 5, 4, 6, 'V')]],
    ['two changes far apart (two hunks) and one near (merged)', lines.join('\n') + '\n', [at(1, 0, 1, 1, 'L'), at(6, 0, 6, 1, 'L'), at(25, 0, 25, 1, 'L')]],
    ['the last line without a final newline', lines.join('\n'), [at(29, 5, 29, 7, 'thirty')]],
    ['an edit across lines', lines.join('\n') + '\n', [at(12, 2, 14, 3, 'joined')]],
    ['CRLF line ends', lines.join('\r\n') + '\r\n', [at(7, 5, 7, 6, 'eight')]],
  ];
  for (const [name, text, edits] of cases) {
    it(name, () => {
      const diff = unifiedDiff('rule.yml', text, edits);
      assert.match(diff, /^--- a\/rule\.yml\n\+\+\+ b\/rule\.yml\n@@ /);
      assert.strictEqual(appliedByGit(text, diff), applyEdits(text, edits));
    });
  }

  it('hunks: a change more than six lines from the next gets its own', () => {
    const text = lines.join('\n') + '\n';
    assert.strictEqual(unifiedDiff('rule.yml', text, [at(1, 0, 1, 1, 'L'), at(6, 0, 6, 1, 'L'), at(25, 0, 25, 1, 'L')]).match(/^@@ /gm)?.length, 2);
    assert.strictEqual(unifiedDiff('rule.yml', text, [at(1, 0, 1, 1, 'L'), at(9, 0, 9, 1, 'L')]).match(/^@@ /gm)?.length, 2);
  });

  it('nothing when the edits change nothing', () => {
    assert.strictEqual(unifiedDiff('rule.yml', 'a\nb\n', [at(0, 0, 0, 1, 'a')]), '');
  });
});
