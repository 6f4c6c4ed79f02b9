import * as assert from 'assert';
import { LineMap } from '../../src/rules/text';

// LineMap's forward cursor remembers the next line break; positions must stay what a plain
// count gives, asked in increasing order, backwards, and on a long line with no break.

function naive(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

describe('LineMap positions', () => {
  const text = 'T1059 '.repeat(50) + '\n\nshort\n' + 'x'.repeat(300) + '\nlast';
  const offsets = [0, 5, 6, 299, 300, 301, 302, 303, 308, 309, 500, 609, 610, text.length - 1, text.length];

  it('match a plain count in increasing order', () => {
    const lines = new LineMap(text);
    for (const o of offsets) assert.deepStrictEqual(lines.position(o), naive(text, o), `offset ${o}`);
  });

  it('match a plain count going backwards and forwards again', () => {
    const lines = new LineMap(text);
    for (const o of [...offsets].reverse().concat(offsets)) assert.deepStrictEqual(lines.position(o), naive(text, o), `offset ${o}`);
  });

  it('on one line without a break', () => {
    const one = 'Ｔ１０５９ '.repeat(100);
    const lines = new LineMap(one);
    for (let o = 0; o <= one.length; o += 7) assert.deepStrictEqual(lines.position(o), { line: 0, character: o });
  });
});
