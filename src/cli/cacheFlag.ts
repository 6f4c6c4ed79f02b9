import { AttackIndex } from '../attack/index';
import { ParseCache } from '../node/parseCache';
import { CliContext } from './context';
import { TOOL_VERSION } from './toolInfo';

export const CACHE_HELP = "      --cache DIR          keep each file's parse in DIR between runs (keyed by content, tool and ATT&CK version): a warm run re-parses only changed files";

/** What a parse holds; bumped when ParsedRuleFile gains or changes a field (2: what each rule reads, its maturity), so older entries are not reused. */
const PARSE_SHAPE = 2;

/** What a cache entry is valid for: this tool's version, the parse's shape and the loaded ATT&CK data's. */
function cacheStamp(index: AttackIndex): string {
  return `attack-lens ${TOOL_VERSION} parse ${PARSE_SHAPE}; ATT&CK ${index.domains.map((d) => `${d.domain} ${d.version}`).join(', ')}`;
}

/** The `--cache DIR` cache, or one in memory for this run when there is no flag. */
export function openCache(dir: string | undefined, index: AttackIndex, ctx: CliContext): ParseCache {
  return dir ? ParseCache.open(dir, cacheStamp(index), ctx.err) : ParseCache.inMemory();
}
