import * as assert from 'assert';
import { AttackIndex } from '../../src/attack/index';
import { AttackSearch } from '../../src/attack/search';
import { AttackEntry, EntryKind } from '../../src/attack/types';
import { fuzzyEntries } from '../../src/editor/completionFuzzy';
import { index18 } from './helpers/attackData';

// Completion's fuzzy matching narrows fuse.js to the entries VS Code's completion filter can
// still show. Checked against the full AttackSearch (fuse.js over the whole index): for every
// query, each entry the full search finds AND VS Code would keep is also found here, in the
// same order; and nothing is found here that the full search does not find.

let index: AttackIndex;
let search: AttackSearch;

/** The real ATT&CK data these tests read, loaded by the `before` of each suite that needs it. */
function loadRealData(): void {
  index = index18();
  search = new AttackSearch(index);
}

/** VS Code's completion filter, simplified: the typed text in order, the first character at a word start. */
function vscodeKeeps(typed: string, filterText: string): boolean {
  const w = filterText.toLowerCase();
  const p = typed.toLowerCase().replace(/\s+/g, '');
  for (let start = 0; start < w.length; start++) {
    const wordStart = start === 0 || !/[a-z0-9]/i.test(filterText[start - 1]) || (/[A-Z]/.test(filterText[start]) && !/[A-Z]/.test(filterText[start - 1]));
    if (w[start] !== p[0] || !wordStart) continue;
    let i = 1;
    for (let j = start + 1; j < w.length && i < p.length; j++) if (w[j] === p[i]) i++;
    if (i === p.length) return true;
  }
  return false;
}

function names(e: AttackEntry): string {
  const parent = e.kind === 'technique' && e.parent ? index.get(e.parent) : undefined;
  return [e.name, ...('aliases' in e ? e.aliases : []), parent ? `${parent.name}: ${e.name}` : '', e.id, e.kind === 'tactic' ? e.shortname : ''].join(' ');
}

const QUERIES = ['powersh', 'cozy', 'fancy bear', 'mimikatz', 'credential dump', 'ex', 'persist', 'lateral', 'phish', 'scheduled task', 'obfusc', 'wmi', 'cobalt', 'rundll', 'kerberoast'];

for (const kinds of [['technique', 'tactic', 'group', 'software'], ['technique'], ['tactic']] as EntryKind[][]) {
  describe(`completion fuzzy matching: ${kinds.join(', ')} (needs ../shared)`, () => {
    before(loadRealData);
    const accepts = (e: AttackEntry) => kinds.includes(e.kind) && index.isActive(e) && (e.kind === 'group' || e.kind === 'software' || e.domain === 'enterprise-attack');

    for (const query of QUERIES) {
      it(query, () => {
        const full = search
          .search(query, { kinds, limit: 5_000 })
          .map((h) => h.entry)
          .filter((e) => accepts(e) && vscodeKeeps(query, names(e)));
        const fast = fuzzyEntries(index, query, accepts, 5_000).map((h) => h.entry.id);
        const fastSet = new Set(fast);
        assert.deepStrictEqual(full.map((e) => e.id).filter((id) => !fastSet.has(id)), [], 'found by the full search, shown by VS Code, missed here');
        const fullAll = new Set(search.search(query, { kinds, limit: 5_000 }).map((h) => h.entry.id));
        assert.deepStrictEqual(fast.filter((id) => !fullAll.has(id)), [], 'found here only');
        if (query === 'powersh' && kinds.includes('technique')) assert.strictEqual(fast[0], 'T1059.001');
        if (query === 'cozy' && kinds.includes('group')) assert.strictEqual(fast[0], 'G0016');
      });
    }
  });
}
