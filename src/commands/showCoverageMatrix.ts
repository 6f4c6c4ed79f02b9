import * as vscode from 'vscode';
import { noticeText } from '../outsideText';
import { LensContext } from '../context';
import { buildMatrix, MatrixGapInput } from '../coverage/matrixData';
import { matrixGaps, rankGaps } from '../coverage/priorities';
import { profileFromSetting, ThreatProfile, ThreatProfileJson, weights } from '../coverage/profile';
import { renderMatrixHtml, renderMatrixSvg } from '../coverage/matrixReport';
import { MatrixFilters, MatrixInputs, MatrixPanel } from '../views/matrixPanel';
import { RuleStore } from '../workspace/ruleStore';
import { defaultTarget } from './exportNavigatorLayer';

// "Show coverage matrix" opens the heatmap webview. "Export coverage matrix" (the panel's export
// buttons, or a command call with (format, target URI, filters)) writes a self-contained HTML
// report, an SVG, or a PNG rasterised by the panel; returns the URI written.

type MatrixExportFormat = 'html' | 'svg' | 'png';

const FORMATS: readonly { format: MatrixExportFormat; label: string; detail: string }[] = [
  { format: 'html', label: 'HTML report', detail: 'Self-contained: the matrix, coverage per tactic, top ranked gaps' },
  { format: 'svg', label: 'SVG', detail: 'The matrix as a vector image for slides' },
  { format: 'png', label: 'PNG', detail: 'The matrix as a bitmap (2× scale) for slides' },
];

export function registerCoverageMatrix(
  lens: LensContext,
  store: RuleStore,
  inputs: MatrixInputs & Partial<vscode.Disposable> = settingsMatrixInputs(lens, (profile) => matrixGaps(rankGaps(store.model, profile))),
): vscode.Disposable {
  const show = () => MatrixPanel.show(lens, store, inputs);
  return vscode.Disposable.from(
    { dispose: () => MatrixPanel.active?.dispose() },
    { dispose: () => inputs.dispose?.() },
    vscode.commands.registerCommand('attackLens.showCoverageMatrix', () => {
      show();
    }),
    vscode.commands.registerCommand('attackLens.exportCoverageMatrix', async (formatArg?: unknown, target?: unknown, filtersArg?: unknown) => {
      let choice = FORMATS.find((f) => f.format === formatArg);
      choice ??= await vscode.window.showQuickPick(FORMATS, { title: 'Export coverage matrix', placeHolder: 'Format' });
      if (!choice) return undefined;
      const format = choice.format;
      const filters = (filtersArg && typeof filtersArg === 'object' ? filtersArg : {}) as MatrixFilters;
      const uri = target instanceof vscode.Uri ? target : await vscode.window.showSaveDialog({
        title: 'Export coverage matrix',
        defaultUri: defaultTarget(`attack-coverage-matrix.${format}`),
        filters: { [choice.label]: [format] },
      });
      if (!uri) return undefined;
      await store.ready;
      const panel = MatrixPanel.active ?? (format === 'png' ? show() : undefined);
      const vm = panel ? panel.build() : buildMatrix(store.model, { profile: inputs.profile(), gaps: inputs.gaps() });
      const options = { platform: typeof filters.platform === 'string' ? filters.platform : undefined, profileOnly: filters.profileOnly === true };
      let bytes: Uint8Array;
      if (format === 'html') bytes = new TextEncoder().encode(renderMatrixHtml(vm, options));
      else {
        const svg = renderMatrixSvg(vm, options);
        if (format === 'svg') bytes = new TextEncoder().encode(svg);
        else {
          const size = /width="(\d+)" height="(\d+)"/.exec(svg)!;
          bytes = await panel!.rasterize(svg, Number(size[1]), Number(size[2]));
        }
      }
      await vscode.workspace.fs.writeFile(uri, bytes);
      if (!(target instanceof vscode.Uri)) {
        void vscode.window.showInformationMessage(noticeText(`Coverage matrix exported to ${vscode.workspace.asRelativePath(uri)}.`), 'Reveal').then((a) => {
          if (a) void vscode.commands.executeCommand('revealFileInOS', uri);
        });
      }
      return uri;
    }),
  );
}

/**
 * The threat profile of `attackLens.threatProfile` (src/coverage/profile.ts), kept current as
 * the setting or the ATT&CK data change. Ranked gaps: `rank` (the priority ranking), given the profile.
 */
export function settingsMatrixInputs(lens: LensContext, rank?: (profile: ThreatProfile | undefined) => readonly MatrixGapInput[] | undefined): MatrixInputs & vscode.Disposable {
  const changed = new vscode.EventEmitter<void>();
  let cached: { profile?: ThreatProfile } | undefined;
  const invalidate = () => {
    cached = undefined;
    changed.fire();
  };
  const current = () => (cached ??= { profile: profileFromSetting(lens.config.threatProfile as ThreatProfileJson, lens.index) }).profile;
  const listeners = [lens.config.onDidChange((affects) => affects('threatProfile') && invalidate()), lens.onDidChangeIndex(invalidate)];
  return {
    profile() {
      const p = current();
      return p ? { name: p.name, weights: weights(p) } : undefined;
    },
    gaps: () => rank?.(current()),
    onDidChange: changed.event,
    dispose: () => {
      for (const l of listeners) l.dispose();
      changed.dispose();
    },
  };
}
