import { RuleFormat } from '../../../src/rules/types';

// Generated hostile rule files, for the unit suite (outcome: a result or a diagnostic, no
// throw), the bench (time at 100 KB and 1 MB, and their ratio) and host tests. Each input is a
// valid-looking head for its format followed by one shape repeated until the size is reached,
// so doubling the size doubles the repeats: a parser that is linear takes twice as long.

export const ADVERSARIAL_FORMATS = ['sigma', 'splunk', 'elastic', 'sentinel', 'yaral', 'generic'] as const satisfies readonly RuleFormat[];
export type AdversarialFormat = (typeof ADVERSARIAL_FORMATS)[number];

export const INPUT_CLASSES = [
  'blank-lines',
  'many-headers',
  'many-keys',
  'duplicate-keys',
  'repeated-tags',
  'revoked-tags',
  'deep-nesting',
  'deep-indent',
  'long-line',
  'long-quoted',
  'unterminated',
] as const;
export type InputClass = (typeof INPUT_CLASSES)[number];

export const KB = 1024;
export const MB = 1024 * 1024;
/** The scan's size cap and the two sizes the bench compares. */
export const SIZES = { small: 100 * KB, large: MB } as const;

export interface AdversarialFile {
  readonly format: AdversarialFormat;
  readonly inputClass: InputClass;
  /** A path with the format's usual extension, so detection sees what a scan would. */
  readonly path: string;
  readonly text: string;
}

const EXTENSION: Record<AdversarialFormat, string> = { sigma: 'yml', splunk: 'yml', sentinel: 'yaml', elastic: 'toml', yaral: 'yaral', generic: 'md' };

/** `unit` repeated (with its index when it is a function) while the whole stays within `size` characters; whole units only, so the file stays well-formed. */
export function repeatTo(size: number, unit: string | ((i: number) => string)): string {
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; ; i++) {
    const s = typeof unit === 'string' ? unit : unit(i);
    if (length + s.length > size || s.length === 0) break;
    parts.push(s);
    length += s.length;
  }
  return parts.join('');
}

/** `head` then `body(size - head.length)` then `tail`, the whole about `size` characters. */
function fill(size: number, head: string, body: (room: number) => string, tail = ''): string {
  return head + body(Math.max(0, size - head.length - tail.length)) + tail;
}

const SIGMA_HEAD = 'title: Adversarial\nid: 00000000-0000-4000-8000-000000000000\nstatus: test\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n    sel:\n        Image|endswith: x.exe\n    condition: sel\ntags:\n    - attack.execution\n    - attack.t1059.001\n';
const SPLUNK_HEAD = 'name: Adversarial\nid: 00000000-0000-4000-8000-000000000000\nsearch: "| tstats count"\nhow_to_implement: none\nknown_false_positives: none\ntags:\n  analytic_story:\n  - Adversarial\n  mitre_attack_id:\n  - T1059.001\n';
const SENTINEL_HEAD = 'id: 00000000-0000-4000-8000-000000000000\nname: Adversarial\nseverity: Medium\nqueryFrequency: 1h\nquery: |\n  SecurityEvent | take 1\ntactics:\n  - Execution\nrelevantTechniques:\n  - T1059.001\n';
const ELASTIC_HEAD = '[metadata]\nmaturity = "production"\n\n[rule]\nname = "Adversarial"\nrule_id = "00000000-0000-4000-8000-000000000000"\nseverity = "high"\n';
const ELASTIC_THREAT = (id: string) =>
  `\n[[rule.threat]]\nframework = "MITRE ATT&CK"\n[[rule.threat.technique]]\nid = "${id}"\nname = "x"\nreference = "https://attack.mitre.org/techniques/${id}/"\n[rule.threat.tactic]\nid = "TA0002"\nname = "Execution"\nreference = "https://attack.mitre.org/tactics/TA0002/"\n`;
const YARAL_RULE = (i: number, technique = 'T1059.001') =>
  `rule r${i} {\n  meta:\n    mitre_attack_tactic = "Execution"\n    mitre_attack_technique = "${technique}"\n  events:\n    $e.metadata.event_type = "PROCESS_LAUNCH"\n  condition:\n    $e\n}\n`;
const GENERIC_HEAD = '# Threat notes\n\nCovers T1059.001 and TA0002.\n';

type Generator = (size: number) => string;

/** The classes every YAML format shares; each format adds its own tag lists (which must extend the head's list). */
const yamlCommon = (head: string): Omit<Record<InputClass, Generator>, 'repeated-tags' | 'revoked-tags'> => ({
  'blank-lines': (n) => fill(n, head, (r) => repeatTo(r, (i) => (i % 3 === 0 ? '   \n' : i % 3 === 1 ? '\n' : '\t\r\n'))),
  'many-headers': (n) => repeatTo(n, (i) => `---\n${head.replace('Adversarial', `Adversarial ${i}`)}`),
  'many-keys': (n) => fill(n, head, (r) => `extra:\n${repeatTo(r - 7, (i) => `    key_${i}: value ${i}\n`)}`),
  // Distinct keys, then one repeated: the duplicate is found only after every key was seen.
  'duplicate-keys': (n) => fill(n, head, (r) => `extra:\n${repeatTo(r - 40, (i) => `    key_${i}: v\n`)}\n    key_0: again\n`),
  // Flow collections nested as deep as the size allows, closed (a parser may refuse the depth).
  'deep-nesting': (n) => fill(n, head, (r) => `deep: ${'['.repeat(Math.floor((r - 7) / 2))}${']'.repeat(Math.floor((r - 7) / 2))}\n`),
  // Block mappings nested by indentation: each level one more space.
  'deep-indent': (n) => fill(n, head, (r) => `deep:\n${repeatTo(r - 6, (i) => `${' '.repeat(i + 1)}k${i}:\n`)}`),
  'long-line': (n) => fill(n, head, (r) => `description: ${'a '.repeat(Math.floor((r - 14) / 2))}\n`),
  'long-quoted': (n) => fill(n, head, (r) => `description: "${'x \\" '.repeat(Math.floor((r - 17) / 5))}"\n`),
  'unterminated': (n) => fill(n, head, (r) => `description: "${'x '.repeat(Math.floor((r - 15) / 2))}`),
});

const GENERATORS: Record<AdversarialFormat, Record<InputClass, Generator>> = {
  sigma: {
    ...yamlCommon(SIGMA_HEAD),
    // The head ends inside its tags list: these extend it.
    'repeated-tags': (n) => fill(n, SIGMA_HEAD, (r) => repeatTo(r, (i) => (i % 2 ? '    - attack.t1059.001\n' : '    - attack.execution\n'))),
    'revoked-tags': (n) => fill(n, SIGMA_HEAD, (r) => repeatTo(r, (i) => (i % 3 ? '    - attack.t1086\n' : '    - attack.T1059.001\n'))),
  },
  splunk: {
    ...yamlCommon(SPLUNK_HEAD),
    'repeated-tags': (n) => fill(n, SPLUNK_HEAD, (r) => repeatTo(r, '  - T1059.001\n')),
    'revoked-tags': (n) => fill(n, SPLUNK_HEAD, (r) => repeatTo(r, '  - T1086\n')),
  },
  sentinel: {
    ...yamlCommon(SENTINEL_HEAD),
    'repeated-tags': (n) => fill(n, SENTINEL_HEAD, (r) => repeatTo(r, (i) => (i % 2 ? '  - T1059.001\n' : '  - T1003\n'))),
    'revoked-tags': (n) => fill(n, SENTINEL_HEAD, (r) => repeatTo(r, '  - T1086\n')),
  },
  elastic: {
    'blank-lines': (n) => fill(n, ELASTIC_HEAD, (r) => repeatTo(r, (i) => (i % 2 ? '  \n' : '\r\n'))),
    'many-headers': (n) => fill(n, ELASTIC_HEAD, (r) => repeatTo(r, (i) => (i % 2 ? `[rule.t${i}]\n` : `[[rule.x]]\n`))),
    'many-keys': (n) => fill(n, ELASTIC_HEAD, (r) => repeatTo(r, (i) => `key_${i} = "value ${i}"\n`)),
    'duplicate-keys': (n) => fill(n, ELASTIC_HEAD, (r) => repeatTo(r - 20, (i) => `key_${i} = "v"\n`) + '\nkey_0 = "again"\n'),
    'repeated-tags': (n) => fill(n, ELASTIC_HEAD, (r) => repeatTo(r, ELASTIC_THREAT('T1059.001'))),
    'revoked-tags': (n) => fill(n, ELASTIC_HEAD, (r) => repeatTo(r, ELASTIC_THREAT('T1086'))),
    // Inline tables nested as deep as the size allows.
    'deep-nesting': (n) => fill(n, ELASTIC_HEAD, (r) => `deep = ${'{a = '.repeat(Math.floor((r - 10) / 7))}1${' }'.repeat(Math.floor((r - 10) / 7))}\n`),
    'deep-indent': (n) => fill(n, ELASTIC_HEAD, (r) => `deep = ${'['.repeat(Math.floor((r - 10) / 2))}${']'.repeat(Math.floor((r - 10) / 2))}\n`),
    'long-line': (n) => fill(n, ELASTIC_HEAD, (r) => `description = "${'a \\" '.repeat(Math.floor((r - 17) / 5))}"\n`),
    // A multi-line string full of lines that look like headers and keys.
    'long-quoted': (n) => fill(n, ELASTIC_HEAD, (r) => `query = '''\n${repeatTo(r - 20, '[rule.threat] "x\nid = "T1059"\n')}'''\n`),
    // A table header that never closes, padded with spaces (which the header's name and the blanks around it both accept).
    'unterminated': (n) => fill(n, ELASTIC_HEAD, (r) => `[rule.a${' '.repeat(r - 9)}\n`),
  },
  yaral: {
    'blank-lines': (n) => fill(n, YARAL_RULE(0), (r) => repeatTo(r, (i) => (i % 2 ? ' \n' : '\n'))),
    // Headers without their closing braces: each rule runs to the next header.
    'many-headers': (n) => repeatTo(n, (i) => `rule r${i} {\n`),
    'many-keys': (n) => fill(n, 'rule r {\n  meta:\n', (r) => repeatTo(r - 50, (i) => `    key_${i} = "value ${i}"\n`), '  events:\n    $e\n  condition:\n    $e\n}\n'),
    'duplicate-keys': (n) => repeatTo(n, (i) => YARAL_RULE(i % 3)),
    'repeated-tags': (n) => fill(n, 'rule r {\n  meta:\n', (r) => repeatTo(r - 50, (i) => (i % 2 ? '    mitre_attack_technique = "T1059.001, PowerShell, Cloud Accounts"\n' : '    mitre_attack_tactic = "Execution"\n')), '  events:\n    $e\n  condition:\n    $e\n}\n'),
    'revoked-tags': (n) => repeatTo(n, (i) => YARAL_RULE(i, 'T1086')),
    'deep-nesting': (n) => fill(n, 'rule r {\n  meta:\n    a = "b"\n  events:\n', (r) => `${'{'.repeat(Math.floor((r - 20) / 2))}${'}'.repeat(Math.floor((r - 20) / 2))}\n  condition:\n $e\n}\n`),
    'deep-indent': (n) => fill(n, 'rule r {\n  meta:\n    a = "b"\n  events:\n', (r) => repeatTo(r - 30, (i) => `${' '.repeat(i % 500)}$e${i}.x = "a"\n`), '  condition:\n    $e\n}\n'),
    'long-line': (n) => fill(n, 'rule r {\n  meta:\n    description = "', (r) => 'a '.repeat(Math.floor((r - 60) / 2)), '"\n  events:\n    $e\n  condition:\n    $e\n}\n'),
    'long-quoted': (n) => fill(n, 'rule r {\n  meta:\n    mitre_attack_technique = "', (r) => 'T1059, '.repeat(Math.floor((r - 60) / 7)), '"\n  events:\n    $e\n  condition:\n    $e\n}\n'),
    // An unclosed string, then comment openers and rule headers that never close.
    'unterminated': (n) => fill(n, 'rule r {\n  meta:\n    description = "', (r) => repeatTo(r, (i) => (i % 3 ? '/* x rule y { // "\n' : '" x \\'))),
  },
  generic: {
    'blank-lines': (n) => fill(n, GENERIC_HEAD, (r) => repeatTo(r, (i) => (i % 2 ? '   \n' : '\n'))),
    'many-headers': (n) => fill(n, GENERIC_HEAD, (r) => repeatTo(r, (i) => `## T${1000 + (i % 9000)}\n`)),
    'many-keys': (n) => fill(n, GENERIC_HEAD, (r) => repeatTo(r, (i) => `key_${i}: G${String(i % 10000).padStart(4, '0')}\n`)),
    'duplicate-keys': (n) => fill(n, GENERIC_HEAD, (r) => repeatTo(r, 'T1059 T1059 ')),
    'repeated-tags': (n) => fill(n, GENERIC_HEAD, (r) => repeatTo(r, 'T1059.001, ')),
    'revoked-tags': (n) => fill(n, GENERIC_HEAD, (r) => repeatTo(r, 'T1086 ')),
    'deep-nesting': (n) => fill(n, GENERIC_HEAD, (r) => '('.repeat(Math.floor(r / 2)) + ')'.repeat(Math.floor(r / 2))),
    'deep-indent': (n) => fill(n, GENERIC_HEAD, (r) => repeatTo(r, (i) => `${' '.repeat(i % 200)}- T1003\n`)),
    'long-line': (n) => fill(n, GENERIC_HEAD, (r) => 'T'.repeat(r)),
    'long-quoted': (n) => fill(n, GENERIC_HEAD, (r) => repeatTo(r, 'T1059T1059.00')),
    'unterminated': (n) => fill(n, GENERIC_HEAD, (r) => `"${'T1059.0 '.repeat(Math.floor(r / 8))}`),
  },
};

const cache = new Map<string, AdversarialFile>();

/** One hostile file of about `size` characters (deterministic; cached, as 1 MB files are reused). */
export function adversarialFile(format: AdversarialFormat, inputClass: InputClass, size: number): AdversarialFile {
  const key = `${format}/${inputClass}/${size}`;
  let file = cache.get(key);
  if (!file) {
    file = { format, inputClass, path: `/adversarial/${inputClass}/${format}-${size}.${EXTENSION[format]}`, text: GENERATORS[format][inputClass](size) };
    cache.set(key, file);
  }
  return file;
}

/** Every format × class at one size. */
export function adversarialCorpus(size: number): AdversarialFile[] {
  return ADVERSARIAL_FORMATS.flatMap((f) => INPUT_CLASSES.map((c) => adversarialFile(f, c, size)));
}

/** Forgets generated files (the bench frees 66 MB between sizes). */
export function clearAdversarialCache(): void {
  cache.clear();
}
