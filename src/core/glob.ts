// Glob matching for paths relative to a workspace folder, with VS Code's glob syntax:
// `*` and `?` within a segment, `**` across segments, `{a,b}` alternatives, `[abc]` classes.
// findFiles applies globs while scanning; this checks single files the watcher reports.
//
// A glob is compiled to a small automaton and run over the path keeping the set of states it
// can be in (Thompson's construction), so matching costs |glob| × |path| whatever the glob; the
// sets met are remembered with their transitions, so a path like those before costs one lookup
// per character. A backtracking RegExp took exponential time on `**/` repeated (`**/` × 12
// against a 40-level path: 58 s).

/** A compiled glob. */
export interface GlobMatcher {
  /** Whether the whole `/`-separated relative path matches. */
  test(path: string): boolean;
  /** Whether the path, or one of the folders it sits in, matches (one pass over the path). */
  testPathOrAncestor(path: string): boolean;
  /** True when the glob is malformed (`{a,b`, `[z-a]`): it then matches nothing. */
  readonly malformed: boolean;
}

// Program instructions: a character test, a fork, a jump, the end.
type Instruction =
  | { readonly op: 'char'; readonly accepts: (c: string) => boolean }
  | { readonly op: 'split'; readonly a: number; readonly b: number }
  | { readonly op: 'jump'; readonly to: number }
  | { readonly op: 'match' };

const notSlash = (c: string) => c !== '/';
const slash = (c: string) => c === '/';
// `.` of the RegExp this replaces: anything but a line terminator.
const notLineBreak = (c: string) => c !== '\n' && c !== '\r' && c !== '\u2028' && c !== '\u2029';

class Malformed extends Error {}

/** Builds the program while reading the glob; `{...}` alternatives nest. */
class Compiler {
  readonly program: Instruction[] = [];
  private i = 0;

  constructor(private readonly glob: string) {}

  compile(): Instruction[] {
    this.sequence(false);
    if (this.i < this.glob.length) throw new Malformed();
    this.program.push({ op: 'match' });
    return this.program;
  }

  private emit(ins: Instruction): number {
    this.program.push(ins);
    return this.program.length - 1;
  }

  private patch(at: number, ins: Instruction): void {
    this.program[at] = ins;
  }

  /** `x*` for a one-character test x. */
  private star(accepts: (c: string) => boolean): void {
    const fork = this.emit({ op: 'jump', to: -1 });
    this.emit({ op: 'char', accepts });
    this.emit({ op: 'jump', to: fork });
    this.patch(fork, { op: 'split', a: fork + 1, b: this.program.length });
  }

  /** `(?:[^/]*\/)*`: any run of whole segments, each with its slash. */
  private segments(): void {
    const outer = this.emit({ op: 'jump', to: -1 });
    this.star(notSlash);
    this.emit({ op: 'char', accepts: slash });
    this.emit({ op: 'jump', to: outer });
    this.patch(outer, { op: 'split', a: outer + 1, b: this.program.length });
  }

  /** Reads up to the end of the glob, or (inside braces) to the `,` or `}` that ends an alternative. */
  private sequence(inBraces: boolean): void {
    const g = this.glob;
    while (this.i < g.length) {
      const c = g[this.i];
      if (inBraces && (c === ',' || c === '}')) return;
      if (c === '*') {
        if (g[this.i + 1] === '*') {
          const atStart = this.i === 0 || g[this.i - 1] === '/';
          const atEnd = this.i + 2 === g.length || g[this.i + 2] === '/';
          this.i += 2;
          if (atStart && atEnd) {
            if (g[this.i] === '/') {
              this.i++;
              // `**/**/` is `**/`: collapsing the run keeps the program small.
              while (g.startsWith('**/', this.i)) this.i += 3;
              this.segments();
            } else this.star(notLineBreak);
            continue;
          }
        } else this.i++;
        this.star(notSlash);
      } else if (c === '?') {
        this.i++;
        this.emit({ op: 'char', accepts: notSlash });
      } else if (c === '{') {
        this.i++;
        this.alternatives();
      } else if (c === '[') {
        const close = g.indexOf(']', this.i + 1);
        if (close < 0) {
          this.i++;
          this.emit({ op: 'char', accepts: (x) => x === '[' });
        } else {
          this.emit({ op: 'char', accepts: characterClass(g.slice(this.i + 1, close)) });
          this.i = close + 1;
        }
      } else {
        this.i++;
        this.emit({ op: 'char', accepts: (x) => x === c });
      }
    }
  }

  /** After `{`: alternatives separated by `,` up to the matching `}`. */
  private alternatives(): void {
    const jumpsToEnd: number[] = [];
    for (;;) {
      const fork = this.emit({ op: 'jump', to: -1 });
      this.sequence(true);
      const c = this.glob[this.i];
      if (c === undefined) throw new Malformed();
      this.i++;
      if (c === ',') {
        jumpsToEnd.push(this.emit({ op: 'jump', to: -1 }));
        this.patch(fork, { op: 'split', a: fork + 1, b: this.program.length });
      } else {
        // The last alternative: its fork is a plain fall-through.
        this.patch(fork, { op: 'jump', to: fork + 1 });
        break;
      }
    }
    for (const j of jumpsToEnd) this.patch(j, { op: 'jump', to: this.program.length });
  }
}

/** `[abc]`, `[a-z]`, `[!a]` as a one-character test; a class a RegExp refuses (`[z-a]`) makes the glob malformed. */
function characterClass(body: string): (c: string) => boolean {
  let re: RegExp;
  try {
    re = new RegExp(`^[${body.replace(/^!/, '^').replace(/\\/g, '\\\\')}]$`);
  } catch {
    throw new Malformed();
  }
  return (c) => re.test(c);
}

/** A set of program states the automaton can be in, with its transitions as they are met. */
interface StateSet {
  readonly pcs: readonly number[];
  readonly accepting: boolean;
  /** Transitions on ASCII characters, by char code (most paths are ASCII: one array index per character). */
  readonly ascii: (StateSet | undefined)[];
  readonly next: Map<string, StateSet>;
}

/** Caps on the transitions remembered (per glob): past them a step is computed again, never wrong and still linear. */
const MAX_STATE_SETS = 2048;
const MAX_TRANSITIONS = 256;

/** Where the automaton stood after a path's folder part (the walk classifies a folder's files one after another). */
interface FolderState {
  readonly folder: string;
  readonly state: StateSet;
  /** With `ancestors`: the folder or one above it matched already. */
  readonly matched: boolean;
}

/**
 * Runs the program over a path keeping the set of states it can be in. Each set met is kept with
 * the set each character leads to (a DFA built lazily), so matching a path costs one lookup per
 * character once the usual paths have been seen, and a path in the folder of the one before
 * starts after that folder; a scan classifies thousands of paths.
 */
class Automaton implements GlobMatcher {
  readonly malformed = false;
  private readonly marks: Int32Array;
  private generation = 0;
  private readonly sets = new Map<string, StateSet>();
  private readonly start: StateSet;
  private lastFolder: [FolderState | undefined, FolderState | undefined] = [undefined, undefined];

  constructor(private readonly program: readonly Instruction[]) {
    this.marks = new Int32Array(program.length);
    const first: number[] = [];
    this.generation++;
    this.add(first, 0);
    this.start = this.intern(first);
  }

  test(path: string): boolean {
    return this.run(path, false);
  }

  testPathOrAncestor(path: string): boolean {
    return this.run(path, true);
  }

  /** Runs the automaton; with `ancestors`, also accepts when the text before any inner `/` matches. */
  private run(path: string, ancestors: boolean): boolean {
    const end = path.lastIndexOf('/') + 1;
    const slot = ancestors ? 1 : 0;
    let at: FolderState | undefined = this.lastFolder[slot];
    if (!at || end === 0 || at.folder.length !== end || !path.startsWith(at.folder)) {
      const folder = path.slice(0, end);
      const walked = this.walk(this.start, folder, 0, ancestors);
      at = { folder, state: walked ?? this.start, matched: walked === undefined };
      if (end > 0) this.lastFolder[slot] = at;
    }
    if (at.matched) return true;
    const last = this.walk(at.state, path, end, ancestors);
    return last === undefined || last.accepting;
  }

  /** The state after reading path[from…]; undefined when `ancestors` and a folder along the way matched. */
  private walk(start: StateSet, path: string, from: number, ancestors: boolean): StateSet | undefined {
    let current = start;
    for (let k = from; k < path.length; k++) {
      if (current.pcs.length === 0) return current;
      const code = path.charCodeAt(k);
      if (ancestors && code === 47 /* / */ && k > 0 && current.accepting) return undefined;
      let next = code < 128 ? current.ascii[code] : current.next.get(path[k]);
      if (!next) {
        next = this.step(current, path[k]);
        if (code < 128) current.ascii[code] = next;
        else if (current.next.size < MAX_TRANSITIONS) current.next.set(path[k], next);
      }
      current = next;
    }
    return current;
  }

  private step(from: StateSet, c: string): StateSet {
    const next: number[] = [];
    this.generation++;
    for (const pc of from.pcs) {
      const ins = this.program[pc];
      if (ins.op === 'char' && ins.accepts(c)) this.add(next, pc + 1);
    }
    return this.intern(next);
  }

  private intern(pcs: number[]): StateSet {
    pcs.sort((a, b) => a - b);
    const key = pcs.join(',');
    const known = this.sets.get(key);
    if (known) return known;
    const set: StateSet = { pcs, accepting: pcs.some((pc) => this.program[pc].op === 'match'), ascii: [], next: new Map() };
    if (this.sets.size < MAX_STATE_SETS) this.sets.set(key, set);
    return set;
  }

  /** Adds `pc` and everything reachable from it without reading a character, each once per step (`generation` names the step). */
  private add(states: number[], start: number): void {
    const todo = [start];
    while (todo.length) {
      const pc = todo.pop()!;
      if (this.marks[pc] === this.generation) continue;
      this.marks[pc] = this.generation;
      const ins = this.program[pc];
      if (ins.op === 'split') todo.push(ins.b, ins.a);
      else if (ins.op === 'jump') todo.push(ins.to);
      else states.push(pc);
    }
  }
}

const NOTHING: GlobMatcher = { malformed: true, test: () => false, testPathOrAncestor: () => false };

const cache = new Map<string, GlobMatcher>();

/** The glob compiled for `/`-separated relative paths; one that matches nothing when the glob is malformed (`{a,b`, `[z-a]`). */
export function compileGlob(glob: string): GlobMatcher {
  let m = cache.get(glob);
  if (!m) {
    try {
      const source = glob.replace(/^\.\//, '');
      m = withRequiredText(new Automaton(new Compiler(source).compile()), requiredText(source));
    } catch (e) {
      if (!(e instanceof Malformed)) throw e;
      m = NOTHING;
    }
    cache.set(glob, m);
  }
  return m;
}

/**
 * Text every match holds: the longest run of plain characters in a glob without alternatives or
 * classes (`node_modules` in `**\/node_modules/**`), or '' when there is none worth looking for.
 */
function requiredText(glob: string): string {
  if (/[{}[\]]/.test(glob)) return '';
  // `**/` matches no folder at all: the slashes beside `**` are not required.
  const longest = glob.split(/\/?\*\*\/?|[*?]+/).reduce((a, b) => (b.length > a.length ? b : a), '');
  return longest.length >= 3 ? longest : '';
}

/** Most paths a files.exclude glob is tried on do not hold its name: a native search turns them away before the automaton runs. */
function withRequiredText(m: GlobMatcher, text: string): GlobMatcher {
  if (!text) return m;
  return { malformed: false, test: (p) => p.includes(text) && m.test(p), testPathOrAncestor: (p) => p.includes(text) && m.testPathOrAncestor(p) };
}

/** Whether the glob is malformed, and so matches nothing. */
export function isMalformedGlob(glob: string): boolean {
  return compileGlob(glob).malformed;
}

/**
 * Whether a relative path, or one of the folders it sits in, matches the glob: `**\/node_modules`
 * excludes everything under node_modules, as files.exclude does.
 */
export function matchesPathOrAncestor(glob: string, relativePath: string): boolean {
  // Each path is tested against every glob: the copy is made only for a Windows path.
  return compileGlob(glob).testPathOrAncestor(relativePath.includes('\\') ? relativePath.replace(/\\/g, '/') : relativePath);
}

/** files.exclude style object (`{ "**\/.git": true }`) → the globs that are switched on. */
export function enabledGlobs(setting: Readonly<Record<string, unknown>> | undefined): string[] {
  return Object.entries(setting ?? {})
    .filter(([, v]) => v === true)
    .map(([k]) => k);
}
