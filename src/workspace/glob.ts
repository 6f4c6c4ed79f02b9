// Glob matching for paths relative to a workspace folder, with VS Code's glob syntax:
// `*` and `?` within a segment, `**` across segments, `{a,b}` alternatives, `[abc]` classes.
// findFiles applies globs while scanning; this checks single files the watcher reports.

const cache = new Map<string, RegExp>();
const NOTHING = /(?!)/;

/** The glob as an anchored RegExp over `/`-separated relative paths; one that matches nothing when the glob is malformed (`{a,b`, `[z-a]`). */
export function globToRegExp(glob: string): RegExp {
  let re = cache.get(glob);
  if (!re) {
    try {
      re = new RegExp(`^${translate(glob.replace(/^\.\//, ''))}$`);
    } catch {
      re = NOTHING;
    }
    cache.set(glob, re);
  }
  return re;
}

/** Whether the glob is malformed, and so matches nothing. */
export function isMalformedGlob(glob: string): boolean {
  return globToRegExp(glob) === NOTHING;
}

function translate(glob: string): string {
  let out = '';
  let inBraces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        const atEnd = i + 2 === glob.length || glob[i + 2] === '/';
        i++;
        if (atStart && atEnd) {
          if (glob[i + 1] === '/') {
            i++;
            out += '(?:[^/]*/)*';
          } else out += '.*';
          continue;
        }
      }
      out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '{') {
      inBraces++;
      out += '(?:';
    } else if (c === '}' && inBraces > 0) {
      inBraces--;
      out += ')';
    } else if (c === ',' && inBraces > 0) out += '|';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) out += '\\[';
      else {
        const body = glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = close;
      }
    } else out += c.replace(/[.+^$()|\\\]]/g, '\\$&');
  }
  return out;
}

/**
 * Whether a relative path, or one of the folders it sits in, matches the glob: `**\/node_modules`
 * excludes everything under node_modules, as files.exclude does.
 */
export function matchesPathOrAncestor(glob: string, relativePath: string): boolean {
  const re = globToRegExp(glob);
  const p = relativePath.replace(/\\/g, '/');
  if (re.test(p)) return true;
  for (let i = p.lastIndexOf('/'); i > 0; i = p.lastIndexOf('/', i - 1)) {
    if (re.test(p.slice(0, i))) return true;
  }
  return false;
}

/** files.exclude style object (`{ "**\/.git": true }`) → the globs that are switched on. */
export function enabledGlobs(setting: Readonly<Record<string, unknown>> | undefined): string[] {
  return Object.entries(setting ?? {})
    .filter(([, v]) => v === true)
    .map(([k]) => k);
}
