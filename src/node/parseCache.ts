import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Finding } from '../checks/findings';
import { TreatedFile } from '../rules/treatment';
import { ParsedRuleFile } from '../rules/types';

// The CLI's `--cache DIR`: what a rule file parsed to (and, for `check`, its findings), kept
// between runs in one JSON file. An entry's key is everything that changes the parse: the
// file's path (deprecated folders), content, treatment, generic ID pattern and root; the file's
// stamp holds the tool's version and the ATT&CK data's, so another version reuses nothing.
// Without a directory the same cache lives in memory only (`diff` parses a file unchanged
// between its two sides once).

/** @internal The cache tests open and tamper with the file. */
export const CACHE_FILE = 'attack-lens-cache.json';
const KIND = 'attack-lens parse cache';
const SCHEMA = 1;
/** Entries not used by this run are kept (another command, another path) up to this many in all. */
const MAX_ENTRIES = 50_000;

export interface CacheEntry {
  readonly parsed: ParsedRuleFile;
  /** checkRuleFile's findings before severity settings; only once `check` has run on the file. */
  readonly findings?: readonly Finding[];
}

interface CacheFile {
  readonly kind: typeof KIND;
  readonly schema: typeof SCHEMA;
  readonly stamp: string;
  readonly entries: Record<string, CacheEntry>;
}

/** A cache entry that can stand for a parse: read from a file, so its shape is checked before use. */
function isEntry(e: unknown): e is CacheEntry {
  if (!e || typeof e !== 'object') return false;
  const { parsed, findings } = e as Partial<CacheEntry>;
  return (
    !!parsed &&
    typeof parsed.path === 'string' &&
    typeof parsed.format === 'string' &&
    Array.isArray(parsed.rules) &&
    Array.isArray(parsed.problems) &&
    (findings === undefined || Array.isArray(findings))
  );
}

export class ParseCache {
  private readonly used = new Map<string, CacheEntry>();
  /** Something to write: a parse not in the file, or a file to replace. */
  private dirty: boolean;

  private constructor(
    private readonly stored: ReadonlyMap<string, unknown>,
    private readonly file: string | undefined,
    private readonly stamp: string,
    private readonly note: (line: string) => void,
    reusable: boolean,
  ) {
    this.dirty = !reusable;
  }

  /** A cache for one run only. */
  static inMemory(): ParseCache {
    return new ParseCache(new Map(), undefined, '', () => undefined, true);
  }

  /**
   * The cache in `dir`: none there yet is an empty cache; a file that is not one (corrupt,
   * foreign) is ignored with a note and replaced on save; another stamp reuses nothing.
   */
  static open(dir: string, stamp: string, note: (line: string) => void): ParseCache {
    const file = path.join(dir, CACHE_FILE);
    let stored = new Map<string, unknown>();
    let reusable = false;
    let text: string | undefined;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') note(`attack-lens: --cache: cannot read ${file} (${code ?? (e as Error).message}); rebuilding it`);
    }
    if (text !== undefined) {
      let data: Partial<CacheFile> | undefined;
      try {
        data = JSON.parse(text) as Partial<CacheFile>;
      } catch {
        note(`attack-lens: --cache: ${file} is corrupt (not JSON); ignoring it and rebuilding it`);
      }
      if (data !== undefined) {
        if (!data || data.kind !== KIND || data.schema !== SCHEMA || typeof data.stamp !== 'string' || !data.entries || typeof data.entries !== 'object') {
          note(`attack-lens: --cache: ${file} is not an attack-lens cache of this format; ignoring it and rebuilding it`);
        } else if (data.stamp === stamp) {
          stored = new Map(Object.entries(data.entries));
          reusable = true;
        }
      }
    }
    return new ParseCache(stored, file, stamp, note, reusable);
  }

  /** The key of a file's parse: its path, treatment, pattern, root and content. */
  key(file: TreatedFile & { readonly path: string }, text: string): string {
    const pattern = file.treatment === 'generic' && file.genericPattern ? `${file.genericPattern.source}/${file.genericPattern.flags}` : '';
    return createHash('sha256')
      .update(JSON.stringify([file.path, file.treatment, pattern, file.root ?? '']))
      .update('\0')
      .update(text)
      .digest('hex');
  }

  get(key: string): CacheEntry | undefined {
    const hit = this.used.get(key) ?? this.stored.get(key);
    if (!isEntry(hit)) return undefined;
    this.used.set(key, hit);
    return hit;
  }

  set(key: string, entry: CacheEntry): void {
    this.used.set(key, entry);
    this.dirty = true;
  }

  /**
   * Writes the cache when this run added to it (a temporary file renamed over the old one); a
   * directory it cannot write is a note, not a failure.
   */
  save(): void {
    if (!this.file || !this.dirty) return;
    const entries: Record<string, unknown> = Object.fromEntries(this.used);
    let count = this.used.size;
    for (const [key, entry] of this.stored) {
      if (count >= Math.max(MAX_ENTRIES, this.used.size)) break;
      if (!(key in entries)) {
        entries[key] = entry;
        count++;
      }
    }
    const data = { kind: KIND, schema: SCHEMA, stamp: this.stamp, entries };
    const temp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.writeFileSync(temp, JSON.stringify(data));
      fs.renameSync(temp, this.file);
    } catch (e) {
      try {
        fs.rmSync(temp, { force: true });
      } catch {
        // The folder itself is what failed.
      }
      this.note(`attack-lens: --cache: cannot write ${this.file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); this run was not cached`);
    }
  }
}
