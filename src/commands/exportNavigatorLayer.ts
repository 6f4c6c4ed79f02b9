import * as vscode from 'vscode';
import { noticeText, pickText } from '../outsideText';
import { Domain } from '../attack/types';
import { LensContext } from '../context';
import { navigatorLayer } from '../coverage/navigator';
import { profileFromSetting, ThreatProfileJson } from '../coverage/profile';
import { RuleStore } from '../workspace/ruleStore';

// "Export coverage as ATT&CK Navigator layer": the current coverage as a layer file (format 4.5)
// for one domain, or all selected domains as a list of layers in one file. Asks for the domain
// when several are selected, then where to save (default: attack-lens-coverage-<domain>.json in
// the first workspace folder). Called with a target URI (and optionally a domain, or 'all') it
// writes there without asking; returns the URI written. The threat profile of the workspace
// settings, when there is one, goes into the layer as an overlay (see coverage/navigator).

export function registerExportNavigatorLayerCommand(lens: LensContext, store: RuleStore): vscode.Disposable {
  return vscode.commands.registerCommand('attackLens.exportNavigatorLayer', async (target?: unknown, domainArg?: unknown) => {
    await store.ready;
    const model = store.model;
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
    const uri = target instanceof vscode.Uri ? target : await vscode.window.showSaveDialog({
      title: 'Export ATT&CK Navigator layer',
      defaultUri: defaultTarget(`attack-lens-coverage-${domains.length > 1 ? 'all' : domains[0].replace('-attack', '')}.json`),
      filters: { 'Navigator layer': ['json'] },
    });
    if (!uri) return undefined;
    const folder = vscode.workspace.workspaceFolders?.[0]?.name;
    const profile = profileFromSetting(lens.config.threatProfile as ThreatProfileJson, lens.index);
    const layers = domains.map((domain) => navigatorLayer(model, { domain, profile, name: folder ? `${folder} coverage${domains.length > 1 ? ` (${domain})` : ''}` : undefined }));
    const json = layers.length === 1 ? layers[0] : layers;
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(JSON.stringify(json, null, 2) + '\n'));
    if (!(target instanceof vscode.Uri)) {
      const count = layers.reduce((n, l) => n + l.techniques.filter((t) => t.score !== undefined).length, 0);
      const overlay = profile ? ` with the gaps of the threat profile “${profile.name}” coloured` : '';
      void vscode.window.showInformationMessage(noticeText(`Exported ${count} covered techniques${overlay} to ${vscode.workspace.asRelativePath(uri)}. Open it in ATT&CK Navigator with "Open Existing Layer".`), 'Open file').then((a) => {
        if (a) void vscode.window.showTextDocument(uri);
      });
    }
    return uri;
  });
}

/** A file name in the first workspace folder (or the home of the dialog when there is none). */
export function defaultTarget(name: string): vscode.Uri | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return folder ? vscode.Uri.joinPath(folder, name) : undefined;
}
