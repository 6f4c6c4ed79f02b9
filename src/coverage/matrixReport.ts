import { bucketOf, MatrixCell, MatrixColumn, MatrixViewModel } from './matrixData';

// Exports of the coverage matrix for people who do not run VS Code: an SVG (slides; the panel
// rasterises the same SVG to PNG) and a self-contained HTML report (the SVG inline, coverage
// per tactic — with a telemetry profile, the four telemetry states too — the top ranked gaps).
// Nothing is fetched: no scripts, no fonts, no links out.
// Every string that comes from rules or ATT&CK data goes through `escapeXml`.

/** Cell fill per colour bucket (light, print-friendly): gaps white, then greens. */
const SVG_FILLS = ['#ffffff', '#e3f4e1', '#bfe5b9', '#93d08b', '#5fb35a', '#33913a', '#1b6b2a'];
const PROFILE_STROKE = '#d9480f';

export interface MatrixExportOptions {
  /** Only cells listing this platform (case-insensitive). */
  readonly platform?: string;
  /** Only cells in the threat profile. */
  readonly profileOnly?: boolean;
}

/** @internal Exported so the test finds its hostile input escaped in the output. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The cells the filters keep, per column. */
function visibleColumns(vm: MatrixViewModel, options: MatrixExportOptions = {}): { column: MatrixColumn; cells: MatrixCell[] }[] {
  const platform = options.platform?.toLowerCase();
  const keep = (c: MatrixCell) => (!platform || c.platforms.some((p) => p.toLowerCase() === platform)) && (!options.profileOnly || c.inProfile);
  return vm.columns.map((column) => ({ column, cells: column.cells.filter(keep) }));
}

function fit(text: string, chars: number): string {
  return text.length <= chars ? text : text.slice(0, Math.max(1, chars - 1)).trimEnd() + '…';
}

function subtitle(vm: MatrixViewModel, options: MatrixExportOptions): string {
  const parts = [`${vm.rules} rules`, vm.coverage];
  if (vm.profile) parts.push(`threat profile: ${vm.profile.name}`);
  if (options.platform) parts.push(`platform: ${options.platform}`);
  if (options.profileOnly) parts.push('profile techniques only');
  parts.push(`generated ${vm.generated.slice(0, 10)}`);
  return parts.join(' · ');
}

const COL_W = 150;
const GAP = 6;
const CELL_H = 22;
const MARGIN = 20;
const HEAD_H = 62;
const FONT = 'font-family="Segoe UI, Helvetica, Arial, sans-serif"';

/** The matrix as a standalone SVG document (parent techniques; sub-techniques fold into their parent's count). */
export function renderMatrixSvg(vm: MatrixViewModel, options: MatrixExportOptions = {}): string {
  const columns = visibleColumns(vm, options);
  const rows = Math.max(1, ...columns.map((c) => c.cells.length));
  const width = Math.max(760, MARGIN * 2 + columns.length * (COL_W + GAP) - GAP);
  const matrixTop = MARGIN + HEAD_H;
  const columnHead = 40;
  const matrixBottom = matrixTop + columnHead + rows * (CELL_H + 2);
  const legendTop = matrixBottom + 20;
  const gapsTop = legendTop + 40;
  const height = gapsTop + 24 + Math.max(1, vm.topGaps.length) * 18 + MARGIN;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="11" role="img" aria-label="${escapeXml(`ATT&CK coverage matrix, ${vm.domainName}`)}">`);
  out.push(`<title>${escapeXml(`${vm.domainName} ATT&CK coverage (${vm.attackVersion})`)}</title>`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${MARGIN}" y="${MARGIN + 18}" font-size="20" font-weight="600" fill="#1f2328">${escapeXml(`${vm.domainName} ATT&CK coverage · ${vm.attackVersion}`)}</text>`);
  out.push(`<text x="${MARGIN}" y="${MARGIN + 42}" font-size="13" fill="#57606a">${escapeXml(subtitle(vm, options))}</text>`);
  columns.forEach(({ column, cells }, i) => {
    const x = MARGIN + i * (COL_W + GAP);
    out.push(`<g transform="translate(${x},${matrixTop})">`);
    out.push(`<text x="0" y="13" font-size="12" font-weight="600" fill="#1f2328">${escapeXml(fit(column.name, 22))}</text>`);
    out.push(`<text x="0" y="28" fill="#57606a">${column.covered}/${column.total} · ${column.percent}%</text>`);
    out.push(`<rect x="0" y="32" width="${COL_W}" height="4" fill="#eaeef2"/>`);
    out.push(`<rect x="0" y="32" width="${((COL_W * column.percent) / 100).toFixed(1)}" height="4" fill="#33913a"/>`);
    cells.forEach((cell, r) => {
      const y = columnHead + r * (CELL_H + 2);
      const bucket = bucketOf(cell.count);
      const stroke = cell.inProfile ? `stroke="${PROFILE_STROKE}" stroke-width="2"` : 'stroke="#d0d7de" stroke-width="1"';
      const ink = bucket >= 5 ? '#ffffff' : '#1f2328';
      const label = `${cell.id} ${cell.name}: ${cell.count} rule${cell.count === 1 ? '' : 's'}${cell.inProfile ? ', in threat profile' : ''}`;
      out.push(`<g><title>${escapeXml(label)}</title>`);
      out.push(`<rect x="0.5" y="${y + 0.5}" width="${COL_W - 1}" height="${CELL_H - 1}" rx="2" fill="${SVG_FILLS[bucket]}" ${stroke}/>`);
      out.push(`<text x="5" y="${y + 15}" fill="${ink}">${escapeXml(fit(cell.name, 21))}</text>`);
      out.push(`<text x="${COL_W - 5}" y="${y + 15}" text-anchor="end" font-weight="600" fill="${ink}">${cell.count}</text>`);
      out.push('</g>');
    });
    out.push('</g>');
  });
  let lx = MARGIN;
  out.push(`<text x="${lx}" y="${legendTop + 14}" font-weight="600" fill="#1f2328">Rules per technique</text>`);
  lx += 130;
  for (const b of vm.legend) {
    out.push(`<rect x="${lx}" y="${legendTop + 3}" width="14" height="14" fill="${SVG_FILLS[b.index]}" stroke="#d0d7de"/>`);
    out.push(`<text x="${lx + 18}" y="${legendTop + 14}" fill="#1f2328">${escapeXml(b.label)}</text>`);
    lx += 30 + b.label.length * 6;
  }
  if (vm.profile) {
    out.push(`<rect x="${lx + 10}" y="${legendTop + 3}" width="14" height="14" fill="#ffffff" stroke="${PROFILE_STROKE}" stroke-width="2"/>`);
    out.push(`<text x="${lx + 28}" y="${legendTop + 14}" fill="#1f2328">${escapeXml(`in threat profile “${vm.profile.name}”`)}</text>`);
  }
  out.push(`<text x="${MARGIN}" y="${gapsTop + 14}" font-size="13" font-weight="600" fill="#1f2328">Top ranked gaps</text>`);
  if (vm.topGaps.length === 0) out.push(`<text x="${MARGIN}" y="${gapsTop + 34}" fill="#57606a">No uncovered techniques.</text>`);
  vm.topGaps.forEach((g, i) => {
    const text = `${i + 1}. ${g.id} ${g.name} — ${g.tactics.join(', ')} — ${g.reason}`;
    out.push(`<text x="${MARGIN}" y="${gapsTop + 34 + i * 18}" fill="#1f2328">${escapeXml(text)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

const REPORT_CSS = `
body { font: 14px/1.45 "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328; background: #fff; margin: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
.meta { color: #57606a; margin: 0 0 16px; }
.matrix { overflow-x: auto; border: 1px solid #d0d7de; padding: 8px; }
table { border-collapse: collapse; } th, td { border-bottom: 1px solid #d0d7de; padding: 4px 10px; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font-family: Consolas, "Courier New", monospace; }
@media print { .matrix { overflow: visible; border: none; } }
`;

/** A self-contained HTML report: no scripts, no external resources, inline SVG and styles. */
export function renderMatrixHtml(vm: MatrixViewModel, options: MatrixExportOptions = {}): string {
  const e = escapeXml;
  const title = `${vm.domainName} ATT&CK coverage`;
  // With a telemetry profile the view model carries each tactic's four states (matrixData.ts).
  const telemetry = vm.telemetry;
  const stateCells = (c: MatrixColumn) => {
    const n = telemetry && c.states;
    return n ? [n.detected, n['no-telemetry'], n.visible, n.blind].map((v) => `<td class="num">${v}</td>`).join('') : '';
  };
  const tacticRows = vm.columns
    .map((c) => `<tr><td>${e(c.name)} <code>${e(c.id)}</code></td><td class="num">${c.covered}/${c.total}</td><td class="num">${c.percent}%</td><td class="num">${c.subCovered}/${c.subTotal}</td>${stateCells(c)}</tr>`)
    .join('\n');
  const stateHeads = telemetry ? '<th class="num">Detected</th><th class="num">No telemetry</th><th class="num">Visible</th><th class="num">Blind</th>' : '';
  const stateNote = telemetry ? `\n<p class="meta">Telemetry states against ${telemetry.profileName ? `the telemetry profile “${e(telemetry.profileName)}”` : 'attackLens.telemetry'}, each tactic's techniques and sub-techniques counted together: detected (a covering rule reads collected telemetry), no telemetry (covered, but no covering rule reads collected telemetry), visible (no rule, but ATT&amp;CK's analytics for it read collected telemetry), blind (no rule, no collected telemetry).</p>` : '';
  const gapRows = vm.topGaps
    .map((g, i) => `<tr><td class="num">${i + 1}</td><td><code>${e(g.id)}</code></td><td>${e(g.name)}</td><td>${e(g.tactics.join(', '))}</td><td>${e(g.reason)}</td></tr>`)
    .join('\n');
  const profile = vm.profile ? `${e(vm.profile.name)} (${vm.profile.techniques} techniques)` : 'none';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<h1>${e(title)}</h1>
<p class="meta">${e(vm.attackVersion)} · threat profile: ${profile} · ${vm.rules} rules · generated ${e(vm.generated.slice(0, 16).replace('T', ' '))} UTC</p>
<p><strong>${vm.total.covered}</strong> of ${vm.total.total} techniques covered (<strong>${vm.total.percent}%</strong>); ${vm.subtotal.covered} of ${vm.subtotal.total} sub-techniques (${vm.subtotal.percent}%).</p>
<div class="matrix">
${renderMatrixSvg(vm, options)}</div>
<h2>Coverage per tactic</h2>
<table>
<thead><tr><th>Tactic</th><th class="num">Techniques</th><th class="num">Covered</th><th class="num">Sub-techniques</th>${stateHeads}</tr></thead>
<tbody>
${tacticRows}
</tbody>
</table>${stateNote}
<h2>Top ranked gaps</h2>
${vm.topGaps.length ? `<table>\n<thead><tr><th class="num">#</th><th>ID</th><th>Technique</th><th>Tactics</th><th>Why</th></tr></thead>\n<tbody>\n${gapRows}\n</tbody>\n</table>` : '<p>No uncovered techniques.</p>'}
<p class="meta">Made with ATT&amp;CK Lens. MITRE ATT&amp;CK® is a registered trademark of The MITRE Corporation.</p>
</body>
</html>
`;
}
