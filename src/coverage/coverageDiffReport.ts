import { visibleText } from '../rules/unreadable';
import { CoverageDiff } from './coverageDiff';
import { CoverageModel, percentOf } from './model';
import { LAYER_FORMAT_VERSION, NAVIGATOR_VERSION } from './navigator';
import { mdCell } from './report';

// `attack-lens diff` in its formats. Markdown is made for a GitHub job summary or a pull-request
// comment: a headline, tables, long lists folded in <details>. Paths and names are outside text:
// escaped for Markdown (mdCell) and for the terminal (visibleText).

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "+2 techniques, −1 technique, 3 rules retagged"; "no coverage change" when nothing moved. */
function diffHeadline(d: CoverageDiff): string {
  const parts: string[] = [];
  if (d.gained.length) parts.push(`+${plural(d.gained.length, 'technique')}`);
  if (d.lost.length) parts.push(`−${plural(d.lost.length, 'technique')}`);
  if (d.rules.added.length) parts.push(`${plural(d.rules.added.length, 'rule')} added`);
  if (d.rules.removed.length) parts.push(`${plural(d.rules.removed.length, 'rule')} removed`);
  if (d.rules.retagged.length) parts.push(`${plural(d.rules.retagged.length, 'rule')} retagged`);
  return parts.length ? parts.join(', ') : 'no coverage change';
}

function summary(model: CoverageModel, label: string) {
  const t = model.total;
  return {
    path: label,
    attackVersion: [...new Set(model.domains.map((d) => model.index.domain(d)?.version ?? '?'))].join(', '),
    rules: model.ruleCount,
    techniques: { ...t.techniques, percent: percentOf(t.techniques) },
    subtechniques: { ...t.subtechniques, percent: percentOf(t.subtechniques) },
  };
}

export function diffJson(d: CoverageDiff, labels: { readonly base: string; readonly head: string }): string {
  const report = {
    base: summary(d.base, labels.base),
    head: summary(d.head, labels.head),
    techniques: { gained: d.gained, lost: d.lost, changed: Object.fromEntries(d.changed.map((c) => [c.id, { before: c.before, after: c.after }])) },
    rules: d.rules,
    tactics: Object.fromEntries(d.tactics.map((t) => [t.key, { name: t.name, before: t.before.percent, after: t.after.percent }])),
    unknown: d.unknown,
    ...(d.profile ? { profile: d.profile } : {}),
  };
  return JSON.stringify(report, null, 2) + '\n';
}

const pct = (c: { covered: number; total: number; percent: number }) => `${c.covered}/${c.total} (${c.percent} %)`;
const arrow = (a: number, b: number) => `${a} → ${b}`;

export function diffText(d: CoverageDiff, labels: { readonly base: string; readonly head: string }): string {
  const b = summary(d.base, labels.base);
  const h = summary(d.head, labels.head);
  const name = (id: string) => visibleText(d.head.index.fullName(id));
  const out = [`ATT&CK coverage ${visibleText(labels.base)} → ${visibleText(labels.head)}: ${diffHeadline(d)}`, ''];
  out.push(`  rules           ${arrow(b.rules, h.rules)}`, `  techniques      ${pct(b.techniques)} → ${pct(h.techniques)}`, `  sub-techniques  ${pct(b.subtechniques)} → ${pct(h.subtechniques)}`);
  const list = (title: string, ids: readonly string[]) => {
    if (!ids.length) return;
    out.push('', `${title} (${ids.length}):`, ...ids.map((id) => `  ${id}  ${name(id)}`));
  };
  list('Gained', d.gained);
  list('Lost', d.lost);
  if (d.changed.length) out.push('', `Rule counts changed (${d.changed.length}):`, ...d.changed.map((c) => `  ${c.id}  ${arrow(c.before, c.after)}  ${visibleText(c.name)}`));
  const moved = d.tactics.filter((t) => t.before.percent !== t.after.percent);
  if (moved.length) out.push('', 'Tactics:', ...moved.map((t) => `  ${visibleText(t.name)}  ${t.before.percent} % → ${t.after.percent} %`));
  for (const [title, paths] of [
    ['Rules added', d.rules.added],
    ['Rules removed', d.rules.removed],
    ['Rules retagged', d.rules.retagged],
  ] as const) {
    if (paths.length) out.push('', `${title} (${paths.length}):`, ...paths.map((p) => `  ${visibleText(p)}`));
  }
  for (const side of ['base', 'head'] as const) {
    if (d.unknown[side].length) out.push('', `Not in the loaded ATT&CK data (${side}): ${d.unknown[side].map(visibleText).join(', ')}`);
  }
  if (d.profile) {
    out.push('', `Threat profile ${visibleText(d.profile.name)}: ${plural(d.profile.opened.length, 'gap')} opened, ${d.profile.closed.length} closed`);
    list('Gaps opened', d.profile.opened);
    list('Gaps closed', d.profile.closed);
  }
  return out.join('\n') + '\n';
}

/** Lists longer than this are folded into <details>. */
const FOLD_AFTER = 10;

function folded(title: string, body: readonly string[], rows: number): string[] {
  if (rows <= FOLD_AFTER) return [`#### ${title}`, '', ...body, ''];
  return [`<details><summary>${title}</summary>`, '', ...body, '', '</details>', ''];
}

export function diffMarkdown(d: CoverageDiff, labels: { readonly base: string; readonly head: string }): string {
  const b = summary(d.base, labels.base);
  const h = summary(d.head, labels.head);
  const name = (id: string) => mdCell(d.head.index.fullName(id));
  const out = [`### ATT&CK coverage: ${diffHeadline(d)}`, ''];
  out.push(`| | ${mdCell(labels.base)} | ${mdCell(labels.head)} |`, '| --- | ---: | ---: |');
  out.push(`| Rules | ${b.rules} | ${h.rules} |`, `| Techniques | ${pct(b.techniques)} | ${pct(h.techniques)} |`, `| Sub-techniques | ${pct(b.subtechniques)} | ${pct(h.subtechniques)} |`, '');
  const changes = new Map(d.changed.map((c) => [c.id, c]));
  for (const [title, ids] of [
    ['Gained', d.gained],
    ['Lost', d.lost],
  ] as const) {
    if (!ids.length) continue;
    const rows = ids.map((id) => {
      const c = changes.get(id);
      return `| ${id} | ${name(id)} | ${c ? arrow(c.before, c.after) : '—'} |`;
    });
    out.push(...folded(`${title} (${ids.length})`, ['| Technique | Name | Rules |', '| --- | --- | ---: |', ...rows], rows.length));
  }
  if (d.changed.length) {
    const rows = d.changed.map((c) => `| ${c.id} | ${mdCell(c.name)} | ${c.before} | ${c.after} |`);
    out.push(...folded(`Rule counts changed (${d.changed.length})`, ['| Technique | Name | Before | After |', '| --- | --- | ---: | ---: |', ...rows], rows.length));
  }
  const tacticRows = d.tactics.map((t) => `| ${mdCell(t.name)} | ${t.before.percent} % | ${t.after.percent} % |`);
  out.push(...folded('Tactics', ['| Tactic | Before | After |', '| --- | ---: | ---: |', ...tacticRows], FOLD_AFTER + 1));
  for (const [title, paths] of [
    ['Rules added', d.rules.added],
    ['Rules removed', d.rules.removed],
    ['Rules retagged', d.rules.retagged],
  ] as const) {
    if (paths.length)
      out.push(
        ...folded(
          `${title} (${paths.length})`,
          paths.map((p) => `- ${mdCell(p)}`),
          paths.length,
        ),
      );
  }
  for (const side of ['base', 'head'] as const) {
    if (d.unknown[side].length) out.push(`Not in the loaded ATT&CK data (${side}): ${d.unknown[side].map(mdCell).join(', ')}`, '');
  }
  if (d.profile) {
    out.push(`#### Threat profile ${mdCell(d.profile.name)}: ${plural(d.profile.opened.length, 'gap')} opened, ${d.profile.closed.length} closed`, '');
    for (const [title, ids] of [
      ['Gaps opened', d.profile.opened],
      ['Gaps closed', d.profile.closed],
    ] as const) {
      if (ids.length) out.push(...folded(`${title} (${ids.length})`, ['| Technique | Name |', '| --- | --- |', ...ids.map((id) => `| ${id} | ${name(id)} |`)], ids.length));
    }
  }
  return out.join('\n');
}

const COLORS = { gained: '#31a354', lost: '#de2d26', unchanged: '#9ecae1' } as const;

/** A Navigator 4.5 layer per domain: gained, lost and unchanged covered techniques in a colour each, with a legend. */
export function diffNavigator(d: CoverageDiff, labels: { readonly base: string; readonly head: string }): string {
  const gained = new Set(d.gained);
  const lost = new Set(d.lost);
  const layers = d.head.domains.map((domain) => {
    const techniques: object[] = [];
    for (const t of d.head.index.activeTechniques(domain)) {
      const id = t.id;
      const now = d.head.forTechnique(id);
      const state = gained.has(id) ? 'gained' : lost.has(id) ? 'lost' : now?.covered && d.head.inScope(t) ? 'unchanged' : undefined;
      if (!state) continue;
      techniques.push({ techniqueID: id, color: COLORS[state], comment: state, enabled: true, metadata: [], showSubtechniques: false });
    }
    return {
      name: `ATT&CK Lens coverage diff${d.head.domains.length > 1 ? ` (${domain})` : ''}`,
      versions: { attack: d.head.index.domain(domain)?.version ?? '', navigator: NAVIGATOR_VERSION, layer: LAYER_FORMAT_VERSION },
      domain,
      description: `${labels.base} → ${labels.head}: ${diffHeadline(d)}`,
      sorting: 0,
      layout: { layout: 'side', showID: true, showName: true, showAggregateScores: false, countUnscored: false, aggregateFunction: 'max', expandedSubtechniques: 'annotated' },
      hideDisabled: false,
      techniques,
      gradient: { colors: ['#ffffff', '#66b1ff'], minValue: 0, maxValue: 1 },
      legendItems: [
        { label: 'gained', color: COLORS.gained },
        { label: 'lost', color: COLORS.lost },
        { label: 'covered before and after', color: COLORS.unchanged },
      ],
      metadata: [],
      showTacticRowBackground: false,
      tacticRowBackground: '#dddddd',
    };
  });
  return JSON.stringify(layers.length === 1 ? layers[0] : layers, null, 2) + '\n';
}
