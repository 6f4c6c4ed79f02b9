import * as vscode from 'vscode';
import { noticeText } from '../outsideText';
import { renderReport, ReportFormat } from '../coverage/report';
import { RuleStore } from '../workspace/ruleStore';
import { defaultTarget } from './exportNavigatorLayer';
import type { CoverageTelemetry } from '../state/coverageTelemetry';

// "Export coverage report": markdown (per-tactic table, top gaps, unknown references), csv
// (one row per technique) or json (the CLI's `coverage --format json` shape). Asks for the
// format and the file; called with (format, target URI) it writes without asking. With a telemetry
// profile, markdown adds the four telemetry states per tactic and json the CLI's `telemetryStates`.

const FORMATS: readonly { format: ReportFormat; label: string; detail: string; ext: string }[] = [
  { format: 'markdown', label: 'Markdown', detail: 'Per-tactic table, top gaps ranked by ATT&CK groups, unknown references', ext: 'md' },
  { format: 'csv', label: 'CSV', detail: 'One row per technique and sub-technique with its rule counts', ext: 'csv' },
  { format: 'json', label: 'JSON', detail: 'Machine-readable, the same shape as `attack-lens coverage --format json`', ext: 'json' },
];

export function registerExportReportCommand(store: RuleStore, telemetry?: CoverageTelemetry): vscode.Disposable {
  return vscode.commands.registerCommand('attackLens.exportReport', async (formatArg?: unknown, target?: unknown) => {
    let choice = FORMATS.find((f) => f.format === formatArg);
    choice ??= await vscode.window.showQuickPick(FORMATS, { title: 'Export coverage report', placeHolder: 'Report format' });
    if (!choice) return undefined;
    const uri = target instanceof vscode.Uri ? target : await vscode.window.showSaveDialog({
      title: 'Export coverage report',
      defaultUri: defaultTarget(`attack-lens-coverage.${choice.ext}`),
      filters: { [choice.label]: [choice.ext] },
    });
    if (!uri) return undefined;
    await store.ready;
    const model = store.model;
    const text = renderReport(model, choice.format, { displayPath: (p) => vscode.workspace.asRelativePath(store.uriOf(p)), telemetry: telemetry?.statesOf(model), reads: telemetry?.summaryOf(model, () => store.files()) });
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    if (!(target instanceof vscode.Uri)) {
      void vscode.window.showInformationMessage(noticeText(`Coverage report written to ${vscode.workspace.asRelativePath(uri)}.`), 'Open').then((a) => {
        if (a) void vscode.window.showTextDocument(uri);
      });
    }
    return uri;
  });
}
