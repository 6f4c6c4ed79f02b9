import * as vscode from 'vscode';
import { noticeText, pickText } from '../outsideText';
import { Domain } from '../attack/types';
import { LensContext } from '../context';
import { CoverageModel, coverageCountText } from '../coverage/model';
import { navigatorLayer } from '../coverage/navigator';
import { profileFromSetting, ThreatProfileJson } from '../coverage/profile';
import { RuleStore } from '../workspace/ruleStore';
import type { CoverageTelemetry } from '../state/coverageTelemetry';
import { layerStates } from './layerColouring';

// "Export coverage as ATT&CK Navigator layer": the current coverage as a layer file (format 4.5)
// for one domain, or all selected domains as a list of layers in one file. Asks for the domain
// when several are selected, then where to save (default: attack-lens-coverage-<domain>.json in
// the first workspace folder). Called with a target URI (and optionally a domain, or 'all') it
// writes there without asking; returns the URI written. The threat profile of the workspace
// settings, when there is one, goes into the layer as an overlay (see coverage/navigator). With a
// telemetry profile (attackLens.telemetry) the layer is coloured by telemetry state or by rule
// count, as the user picks (layerColouring.ts); a third argument, 'telemetry' or 'rules', skips the pick.
// `exportLayer` is shared with "Export layer for this folder" (exportFolderLayer.ts).

export function registerExportNavigatorLayerCommand(lens: LensContext, store: RuleStore, telemetry?: CoverageTelemetry): vscode.Disposable {
  return vscode.commands.registerCommand('attackLens.exportNavigatorLayer', async (target?: unknown, domainArg?: unknown, colouring?: unknown) => {
    await store.ready;
    const folder = vscode.workspace.workspaceFolders?.[0];
    return exportLayer(lens, store.model, { target, domain: domainArg, colouring, telemetry, name: folder ? `${folder.name} coverage` : undefined, folder: folder?.uri });
  });
}

export interface LayerExport {
  /** Where to write without asking (a Uri), or anything else to ask. */
  readonly target?: unknown;
  /** A domain, 'all', or anything else to ask when the model has several. */
  readonly domain?: unknown;
  /** The layer's name (a domain is appended when the file holds several). */
  readonly name?: string;
  /** The folder the save dialog starts in. */
  readonly folder?: vscode.Uri;
  /** The telemetry states of the models, when the feature runs. */
  readonly telemetry?: CoverageTelemetry;
  /** 'telemetry' or 'rules' to colour by without asking (layerColouring.ts). */
  readonly colouring?: unknown;
}

/** Writes the model's coverage as a Navigator layer file and says what it counted; the URI written, or undefined when the user cancelled. */
export async function exportLayer(lens: LensContext, model: CoverageModel, options: LayerExport): Promise<vscode.Uri | undefined> {
  const { target, domain: domainArg } = options;
  let domains: Domain[] | undefined =
    domainArg === 'all' ? [...model.domains] : typeof domainArg === 'string' && model.domains.includes(domainArg as Domain) ? [domainArg as Domain] : undefined;
  if (!domains && model.domains.length > 1 && !(target instanceof vscode.Uri)) {
    const pick = await vscode.window.showQuickPick(
      [
        ...model.domains.map((d) => ({ label: pickText(model.index.domain(d)?.name ?? d), description: d, domains: [d] })),
        { label: 'All of them', description: 'one file with a layer per domain (Navigator opens each as a tab)', domains: [...model.domains] },
      ],
      { title: 'Export Navigator layer', placeHolder: 'A Navigator layer covers one domain: which one?' },
    );
    if (!pick) return undefined;
    domains = pick.domains;
  }
  domains ??= [model.domains[0]];
  const states = await layerStates(options.telemetry, model, options.colouring, !(target instanceof vscode.Uri));
  if (states === 'cancelled') return undefined;
  const fileName = `attack-lens-coverage-${domains.length > 1 ? 'all' : domains[0].replace('-attack', '')}.json`;
  const uri = target instanceof vscode.Uri ? target : await vscode.window.showSaveDialog({
    title: 'Export ATT&CK Navigator layer',
    defaultUri: options.folder ? vscode.Uri.joinPath(options.folder, fileName) : undefined,
    filters: { 'Navigator layer': ['json'] },
  });
  if (!uri) return undefined;
  const profile = profileFromSetting(lens.config.threatProfile as ThreatProfileJson, lens.index);
  const name = options.name;
  const telemetryName = options.telemetry?.profile?.name;
  const layers = domains.map((domain) => navigatorLayer(model, { domain, profile, telemetry: states, telemetryName, name: name ? `${name}${domains.length > 1 ? ` (${domain})` : ''}` : undefined }));
  const json = layers.length === 1 ? layers[0] : layers;
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(JSON.stringify(json, null, 2) + '\n'));
  if (!(target instanceof vscode.Uri)) {
    const overlay = states ? ', coloured by telemetry state' + (profile ? ` (the threat profile “${profile.name}” in comments and metadata)` : '') : profile ? `, with the gaps of the threat profile “${profile.name}” coloured` : '';
    void vscode.window.showInformationMessage(noticeText(`Exported ${layerCountText(model, domains)} to ${vscode.workspace.asRelativePath(uri)}${overlay}. Open it in ATT&CK Navigator with "Open Existing Layer".`), 'Open file').then((a) => {
      if (a) void vscode.window.showTextDocument(uri);
    });
  }
  return uri;
}

/** What a layer file counts, per domain, in the matrix's words: "Enterprise ATT&CK coverage: 5/216 techniques covered (2.3%) · 2/475 sub-techniques". */
function layerCountText(model: CoverageModel, domains: readonly Domain[]): string {
  return domains.map((d) => `${model.index.domain(d)?.name ?? d} coverage: ${coverageCountText(model.totalIn(d))}`).join('; ');
}

/** A file name in the first workspace folder (or the home of the dialog when there is none). */
export function defaultTarget(name: string): vscode.Uri | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return folder ? vscode.Uri.joinPath(folder, name) : undefined;
}
