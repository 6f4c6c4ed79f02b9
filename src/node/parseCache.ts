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
// As git's index does, the cache also remembers each file's stat (size, times, inode) with its
// content key, so a warm `coverage` finds an unchanged file's parse without reading or hashing
// it. A stat is remembered only once the file has not changed for SETTLED_MS, so an edit within
// a coarse file-system clock tick of the read cannot keep the old signature.

/** @internal The cache tests open and tamper with the file. */
export const CACHE_FILE = 'attack-lens-cache.json';
const KIND = 'attack-lens parse cache';
const SCHEMA = 1;
/** Entries not used by this run are kept (another command, another path) up to this many in all. */
const MAX_ENTRIES = 50_000;
/** A file changed less than this long before its stat is not known by its stat alone (2 s: FAT's clock). */
const SETTLED_MS = 2000;

/** A file's content key as of one stat of it. */
interface KnownFile {
  readonly stat: string;
  readonly key: string;
}

/** What a stat says of a file, enough to tell that it changed: size, modification and change times, inode. */
function statSignature(st: fs.Stats): string {
  return `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}:${st.dev}`;
}

function isKnownFile(v: unknown): v is KnownFile {
  return !!v && typeof v === 'object' && typeof (v as KnownFile).stat === 'string' && typeof (v as KnownFile).key === 'string';
}

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
  /** By file (path and treatment): its stat and content key when last read. Absent in caches written before it. */
  readonly files?: Record<string, KnownFile>;
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

/** What besides its content a file's parse depends on: its path, treatment, generic pattern and root. */
function fileKey(file: TreatedFile & { readonly path: string }): string {
  const pattern = file.treatment === 'generic' && file.genericPattern ? `${file.genericPattern.source}/${file.genericPattern.flags}` : '';
  return JSON.stringify([file.path, file.treatment, pattern, file.root ?? '']);
}

export class ParseCache {
  private readonly used = new Map<string, CacheEntry>();
  private readonly usedFiles = new Map<string, KnownFile>();
  /** How this run found its parses: by stat alone (unread), by content, or not (parsed). The bench prints them. */
  readonly counts = { byStat: 0, byContent: 0, parsed: 0 };
  /** Something to write: a parse not in the file, or a file to replace. */
  private dirty: boolean;

  private constructor(
    private readonly stored: ReadonlyMap<string, unknown>,
    private readonly storedFiles: ReadonlyMap<string, unknown>,
    private readonly file: string | undefined,
    private readonly stamp: string,
    private readonly note: (line: string) => void,
    reusable: boolean,
    private readonly clock: () => number = Date.now,
  ) {
    this.dirty = !reusable;
  }

  /** A cache for one run only. */
  static inMemory(): ParseCache {
    return new ParseCache(new Map(), new Map(), undefined, '', () => undefined, true);
  }

  /**
   * The cache in `dir`: none there yet is an empty cache; a file that is not one (corrupt,
   * foreign) is ignored with a note and replaced on save; another stamp reuses nothing.
   * `clock` tells when a file has settled (tests move it on instead of waiting).
   */
  static open(dir: string, stamp: string, note: (line: string) => void, clock: () => number = Date.now): ParseCache {
    const file = path.join(dir, CACHE_FILE);
    let stored = new Map<string, unknown>();
    let storedFiles = new Map<string, unknown>();
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
          if (data.files && typeof data.files === 'object') storedFiles = new Map(Object.entries(data.files));
          reusable = true;
        }
      }
    }
    return new ParseCache(stored, storedFiles, file, stamp, note, reusable, clock);
  }

  /** The key of a file's parse: its path, treatment, pattern, root and content. */
  key(file: TreatedFile & { readonly path: string }, text: string): string {
    return createHash('sha256').update(fileKey(file)).update('\0').update(text).digest('hex');
  }

  /**
   * The cached parse of a file whose stat is the one remembered with it: unchanged since a run
   * read it, so neither read nor hashed again. Undefined when it may have changed.
   */
  byStat(file: TreatedFile & { readonly path: string }, st: fs.Stats): CacheEntry | undefined {
    if (!st.isFile()) return undefined;
    const name = fileKey(file);
    const known = this.usedFiles.get(name) ?? this.storedFiles.get(name);
    if (!isKnownFile(known) || known.stat !== statSignature(st)) return undefined;
    const hit = this.get(known.key);
    if (hit) {
      this.usedFiles.set(name, known);
      this.counts.byStat++;
    }
    return hit;
  }

  /**
   * Remembers that the file, as `st` (taken before it was read) shows it, has content `key`;
   * only once it has settled. Saved with the next parse: a run that parsed nothing leaves the
   * cache file as it is.
   */
  rememberStat(file: TreatedFile & { readonly path: string }, st: fs.Stats, key: string): void {
    if (!st.isFile() || Math.max(st.mtimeMs, st.ctimeMs) > this.clock() - SETTLED_MS) return;
    this.usedFiles.set(fileKey(file), { stat: statSignature(st), key });
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
    const files: Record<string, unknown> = Object.fromEntries(this.usedFiles);
    for (const [name, known] of this.storedFiles) if (!(name in files) && isKnownFile(known) && known.key in entries) files[name] = known;
    const data = { kind: KIND, schema: SCHEMA, stamp: this.stamp, entries, files };
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
