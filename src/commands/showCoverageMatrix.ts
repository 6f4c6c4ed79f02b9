import * as vscode from 'vscode';
import { noticeText } from '../outsideText';
import { buildMatrix, MatrixOptions, MatrixViewModel } from '../coverage/matrixData';
import { renderMatrixHtml, renderMatrixSvg } from '../coverage/matrixReport';
import { MatrixInputs } from '../state/threatProfile';
import { RuleStore } from '../workspace/ruleStore';
import type { CoverageTelemetry } from '../state/coverageTelemetry';
import { defaultTarget } from './exportNavigatorLayer';

// "Show coverage matrix" opens the heatmap webview. "Export coverage matrix" (the panel's export
// buttons, or a command call with (format, target URI, filters)) writes a self-contained HTML
// report (with a telemetry profile, its tactic table has the four telemetry states), an SVG, or a
// PNG rasterised by the panel; returns the URI written.

type MatrixExportFormat = 'html' | 'svg' | 'png';

const FORMATS: readonly { format: MatrixExportFormat; label: string; detail: string }[] = [
  { format: 'html', label: 'HTML report', detail: 'Self-contained: the matrix, coverage per tactic, top ranked gaps' },
  { format: 'svg', label: 'SVG', detail: 'The matrix as a vector image for slides' },
  { format: 'png', label: 'PNG', detail: 'The matrix as a bitmap (2× scale) for slides' },
];

interface MatrixFilters {
  readonly platform?: string;
  readonly profileOnly?: boolean;
}

/** The open matrix panel, as the export needs it (src/views/matrixPanel.ts). */
interface MatrixSurface {
  build(): MatrixViewModel;
  rasterize(svg: string, width: number, height: number): Promise<Uint8Array>;
}

/** The matrix feature's panel: the one open (if any), and opening it. */
export interface MatrixSurfaces extends vscode.Disposable {
  readonly active: MatrixSurface | undefined;
  show(): MatrixSurface;
}

export function registerCoverageMatrix(store: RuleStore, panels: MatrixSurfaces, inputs: MatrixInputs, telemetry?: CoverageTelemetry): vscode.Disposable {
  const show = () => panels.show();
  return vscode.Disposable.from(
    panels,
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
      const panel = panels.active ?? (format === 'png' ? show() : undefined);
      const vm = panel ? panel.build() : buildMatrix(store.model, { profile: inputs.profile(), gaps: inputs.gaps(), telemetry: telemetryOf(store, telemetry) });
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

/** The model's telemetry states for the matrix (as the panel passes them), none without a telemetry profile. */
function telemetryOf(store: RuleStore, telemetry: CoverageTelemetry | undefined): MatrixOptions['telemetry'] {
  const states = telemetry?.statesOf(store.model);
  return states && { states, profileName: telemetry?.profile?.name };
}
