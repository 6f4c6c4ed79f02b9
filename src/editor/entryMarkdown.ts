import { markdownLink, markdownText } from '../outsideText';
import { AttackIndex } from '../attack/index';
import { attackUrl } from '../attack/ids';
import { AttackEntry, Technique } from '../attack/types';

// An ATT&CK entry as Markdown, for hovers and the Open technique view. No vscode import.
// Everything from ATT&CK or from a rule file is escaped: the only Markdown syntax in the output
// is what this module writes itself (emphasis, lists, code spans, the one link to the site).

export interface EntryMarkdownOptions {
  readonly siteBaseUrl: string;
  /** The whole description instead of its first paragraph. */
  readonly fullDescription?: boolean;
  /** The reference as written in the file, shown when it differs from the ID. */
  readonly written?: string;
  /** How many related entries each list shows before "and N more". */
  readonly listLimit?: number;
}

/** Text as an inline code span: nothing inside is interpreted, whatever it contains. @internal Exported for the escaping and linear-cost tests. */
export function codeSpan(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  // A loop, not Math.max(...runs): spreading a few hundred thousand runs overflows the stack.
  let longest = 0;
  for (const run of flat.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  return `${fence} ${flat} ${fence}`;
}


/**
 * An ATT&CK description as Markdown: `<code>` becomes a code span, ATT&CK's own links keep
 * only their text, everything else is escaped. Paragraphs stay paragraphs.
 * @internal Exported for the escaping and linear-cost tests.
 */
export function descriptionMarkdown(description: string, full: boolean): string {
  const paragraphs = description.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  return (full ? paragraphs : paragraphs.slice(0, 1))
    .map((p) =>
      codeParts(p)
        .map((part) => (part.code ? codeSpan(part.text) : markdownText(linkTexts(part.text))))
        .join(''),
    )
    .join('\n\n');
}

// The two scanners below do what `/(<code>[\s\S]*?<\/code>)/` and `/\[([^\]]*)\]\([^)]*\)/g` did
// with plain searches that never look at a character twice: those patterns searched to the end
// of the text from every unclosed `<code>` or `[`, quadratic on a description (from a bundle
// the user points at) full of them.

/** The text cut into `<code>…</code>` contents and the text between them; an unclosed `<code>` is text. */
function codeParts(text: string): { code: boolean; text: string }[] {
  const parts: { code: boolean; text: string }[] = [];
  let done = 0;
  for (;;) {
    const open = text.indexOf('<code>', done);
    const close = open < 0 ? -1 : text.indexOf('</code>', open + 6);
    if (close < 0) break;
    parts.push({ code: false, text: text.slice(done, open) }, { code: true, text: text.slice(open + 6, close) });
    done = close + 7;
  }
  parts.push({ code: false, text: text.slice(done) });
  return parts;
}

/** Markdown links `[text](url)` replaced by their text. @internal Exported for the linear-cost test against its oracle. */
export function linkTexts(text: string): string {
  let out = '';
  let done = 0;
  // The next `]` and `)` found so far: positions only move forward, so each is searched for once.
  let bracket = -1;
  let paren = -1;
  for (let open = text.indexOf('['); open >= 0; open = text.indexOf('[', open + 1)) {
    if (bracket <= open) bracket = text.indexOf(']', open + 1);
    if (bracket < 0) break;
    if (text[bracket + 1] !== '(') continue;
    if (paren <= bracket + 1) paren = text.indexOf(')', bracket + 2);
    if (paren < 0) break;
    out += text.slice(done, open) + text.slice(open + 1, bracket);
    done = paren + 1;
    open = paren;
  }
  return out + text.slice(done);
}

function kindLabel(e: AttackEntry): string {
  switch (e.kind) {
    case 'technique':
      return e.isSubtechnique ? 'Sub-technique' : 'Technique';
    case 'software':
      return e.softwareType === 'tool' ? 'Software (tool)' : 'Software (malware)';
    case 'detection-strategy':
      return 'Detection strategy';
    case 'data-component':
      return 'Data component';
    default:
      return e.kind[0].toUpperCase() + e.kind.slice(1);
  }
}

function named(index: AttackIndex, id: string): string {
  const e = index.get(id);
  return e ? `${markdownText(e.id)} ${markdownText(e.name)}` : markdownText(id);
}

function list(items: readonly string[], limit: number): string {
  const shown = items.slice(0, limit).join(', ');
  return items.length > limit ? `${shown} and ${items.length - limit} more` : shown;
}

function tacticNames(index: AttackIndex, t: Technique): string {
  return t.tactics.map((s) => markdownText(index.tactic(s, t.domain)?.name ?? s)).join(', ');
}

/** The entry as Markdown: heading, status, facts, description, related entries, link. */
export function entryMarkdown(index: AttackIndex, e: AttackEntry, options: EntryMarkdownOptions): string {
  const limit = options.listLimit ?? 8;
  const out = headingLines(index, e, options);
  out.push(facts(index, e, limit).join('  \n'));
  const description = descriptionMarkdown(e.description, options.fullDescription ?? false);
  if (description) out.push(description);
  const related = relatedLines(index, e, limit);
  if (related.length) out.push(related.map((l) => `- ${l}`).join('\n'));
  out.push(siteLine(e, options.siteBaseUrl));
  return out.filter(Boolean).join('\n\n');
}

/**
 * The hover: what fits above a line first (heading, tactics and platforms on one line, one
 * sentence of the description), then the parent and related entries in shorter lists, the site
 * link last. `fullDescription` shows the whole description instead of the sentence.
 */
export function entryHoverMarkdown(index: AttackIndex, e: AttackEntry, options: EntryMarkdownOptions): string {
  const limit = options.listLimit ?? 3;
  // `attack.t1059.001` is T1059.001 in Sigma's spelling: saying so would only take a line.
  const spelledOut = options.written && !options.written.toUpperCase().endsWith(e.id.toUpperCase()) ? options.written : undefined;
  const out = headingLines(index, e, { ...options, written: spelledOut });
  const lead = facts(index, e, limit);
  const parent = e.kind === 'technique' && e.parent ? lead.pop() : undefined;
  out.push(lead.join(' · '));
  const description = options.fullDescription ? descriptionMarkdown(e.description, true) : descriptionMarkdown(firstSentence(e.description), false);
  if (description) out.push(description);
  const related = [...(parent ? [parent] : []), ...relatedLines(index, e, limit)];
  if (related.length) out.push(related.map((l) => `- ${l}`).join('\n'));
  out.push(siteLine(e, options.siteBaseUrl));
  return out.filter(Boolean).join('\n\n');
}

function headingLines(index: AttackIndex, e: AttackEntry, options: EntryMarkdownOptions): string[] {
  const out = [`**${markdownText(e.id)} ${markdownText(e.name)}** — ${kindLabel(e)}`];
  if (options.written && options.written !== e.id) out.push(`Written as ${codeSpan(options.written)}`);
  if (e.revoked) {
    const to = index.replacementOf(e.id);
    out.push(to ? `**Revoked**: replaced by ${named(index, to)}` : '**Revoked** (no replacement named)');
  } else if (e.deprecated) out.push('**Deprecated**: no longer part of ATT&CK');
  return out;
}

function siteLine(e: AttackEntry, siteBaseUrl: string): string {
  return `${markdownLink(`Open ${e.id} on the ATT&CK site`, attackUrl(e.id, siteBaseUrl))} · ${markdownText(`${e.domain} ${e.version ? `v${e.version}` : ''}`.trim())}`;
}

/** Abbreviations whose dot does not end a sentence. */
const NOT_A_SENTENCE_END = /\b(?:e\.g|i\.e|etc|vs|ex|approx)$/i;

/**
 * The first sentence of a description's first paragraph (ATT&CK's links and `<code>` kept for
 * descriptionMarkdown): up to the first `.`, `!` or `?` followed by a capital or the end, outside
 * `<code>` and not after an abbreviation. One pass over the paragraph. @internal Exported for the hover tests.
 */
export function firstSentence(description: string): string {
  const para = description.split(/\n\s*\n/)[0].trim();
  // Once a `<code>` has no `</code>` after it, no later one has: stop looking (linear, not quadratic).
  let closed = true;
  for (let i = 0; i < para.length; i++) {
    if (closed && para.startsWith('<code>', i)) {
      const close = para.indexOf('</code>', i + 6);
      closed = close >= 0;
      if (closed) {
        i = close + 6;
        continue;
      }
    }
    const c = para[i];
    if (c !== '.' && c !== '!' && c !== '?') continue;
    // The end, or a space before a capital, a bracket or a tag: "… for execution. PowerShell is …"
    if (i + 1 < para.length && !/^\s(?:[A-Z([<]|$)/.test(para.slice(i + 1, i + 3))) continue;
    if (c === '.' && NOT_A_SENTENCE_END.test(para.slice(Math.max(0, i - 6), i))) continue;
    return para.slice(0, i + 1);
  }
  return para;
}

function facts(index: AttackIndex, e: AttackEntry, limit: number): string[] {
  const out: string[] = [];
  if (e.kind === 'technique') {
    if (e.tactics.length) out.push(`Tactics: ${tacticNames(index, e)}`);
    if (e.platforms.length) out.push(`Platforms: ${e.platforms.map(markdownText).join(', ')}`);
    if (e.parent) out.push(`Sub-technique of ${named(index, e.parent)}`);
  } else if (e.kind === 'tactic') {
    out.push(`Shortname: ${codeSpan(e.shortname)} · ${index.techniquesForTactic(e.shortname, e.domain).length} techniques`);
  } else if (e.kind === 'group' || e.kind === 'campaign' || e.kind === 'software') {
    const aliases = e.aliases.filter((a) => a !== e.name);
    if (aliases.length) out.push(`Aliases: ${list(aliases.map(markdownText), limit * 2)}`);
    if (e.kind === 'software' && e.platforms.length) out.push(`Platforms: ${e.platforms.map(markdownText).join(', ')}`);
    out.push(`Uses ${e.techniques.length} techniques${e.kind !== 'software' ? ` and ${e.software.length} software` : ''}`);
  } else if (e.kind === 'mitigation') {
    out.push(`Mitigates ${e.techniques.length} techniques`);
  }
  return out;
}

function relatedLines(index: AttackIndex, e: AttackEntry, limit: number): string[] {
  if (e.kind !== 'technique' || e.revoked) return [];
  const out: string[] = [];
  const subs = index.subtechniques(e.id);
  if (subs.length) out.push(`Sub-techniques: ${list(subs.map((s) => named(index, s.id)), limit)}`);
  const strategies = index.detectionStrategiesFor(e.id);
  if (strategies.length) out.push(`Detection strategies: ${list(strategies.map((s) => named(index, s.id)), limit)}`);
  const components = index.dataComponentsFor(e.id);
  if (components.length) out.push(`Data components: ${list(components.map((c) => markdownText(c.name)), limit)}`);
  const mitigations = index.mitigationsFor(e.id);
  if (mitigations.length) out.push(`Mitigations: ${list(mitigations.map((m) => named(index, m.id)), Math.min(limit, 5))}`);
  const groups = index.groupsUsing(e.id).length;
  const actors = index.actorsUsing(e.id).length;
  if (actors) out.push(`Used by ${groups} group${groups === 1 ? '' : 's'} (${actors} groups, software and campaigns)`);
  return out;
}

/** A reference the index does not know (or text no entry is named by), escaped. */
export function unknownReferenceMarkdown(index: AttackIndex, written: string, kind: string | undefined, id?: string): string {
  const what = kind ? `${kind[0].toUpperCase()}${kind.slice(1)}` : 'Reference';
  const name = id && id !== written ? `${codeSpan(written)} (${markdownText(id)})` : codeSpan(written);
  return `**${markdownText(what)} not in ATT&CK**: ${name} is not in ${markdownText(index.versionLabel)}.`;
}
