// What VS Code's completion filter keeps, simplified from its fuzzy scorer: the typed text's
// characters in order (case-insensitive), the first at a word start (after a separator, or a
// camelCase hump). The test-side oracle for the unit and editor suites; it is written apart from
// src/editor/completionFuzzy.ts on purpose, and the editor suite checks it against VS Code's own
// suggest widget ("the suggest widget shows what visible() predicts").

export function vscodeKeeps(typed: string, filterText: string): boolean {
  if (!typed) return true;
  const w = filterText.toLowerCase();
  const p = typed.toLowerCase();
  for (let start = 0; start < w.length; start++) {
    const wordStart = start === 0 || !/[a-z0-9]/i.test(filterText[start - 1]) || /[A-Z]/.test(filterText[start]);
    if (w[start] !== p[0] || !wordStart) continue;
    let i = 1;
    for (let j = start + 1; j < w.length && i < p.length; j++) if (w[j] === p[i]) i++;
    if (i === p.length) return true;
  }
  return false;
}
