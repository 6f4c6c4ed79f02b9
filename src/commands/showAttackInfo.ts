import * as vscode from 'vscode';
import { pickText } from '../outsideText';
import { domainStats } from '../attack/domainStats';
import { CompiledDomain } from '../attack/types';
import { LensContext } from '../context';
import type { AttackDataEvent } from '../data/attackDataEvents';

// "ATT&CK Lens: Show loaded ATT&CK data" (also the status bar item's click): which release of
// each domain is loaded, how many entries it has, where it came from and what happened to the
// data since activation, with the actions that change it. Returns the same facts as data, so
// `executeCommand('attackLens.showAttackInfo', { quiet: true })` answers without any UI.

interface DomainInfo {
  readonly domain: string;
  readonly name: string;
  readonly version: string;
  readonly modified: string;
  readonly counts: Readonly<Record<string, number>>;
}

/** @public What the command returns to executeCommand callers. */
export interface AttackDataInfo {
  readonly versionLabel: string;
  readonly source: string;
  readonly domains: readonly DomainInfo[];
  readonly events: readonly AttackDataEvent[];
}

function domainInfo(d: CompiledDomain): DomainInfo {
  const s = domainStats(d);
  return {
    domain: d.domain,
    name: d.name,
    version: d.version,
    modified: d.modified,
    counts: {
      tactics: s.tactics,
      techniques: s.techniques,
      'sub-techniques': s.subtechniques,
      groups: s.groups,
      software: s.software,
      campaigns: s.campaigns,
      mitigations: s.mitigations,
      'detection strategies': s.detectionStrategies,
    },
  };
}

function attackDataInfo(lens: LensContext): AttackDataInfo {
  return {
    versionLabel: lens.index.versionLabel,
    source: lens.indexSource,
    domains: lens.index.domains.map(domainInfo),
    events: lens.dataEvents.all,
  };
}

interface ActionItem extends vscode.QuickPickItem {
  readonly run?: () => unknown;
}

function items(lens: LensContext, info: AttackDataInfo): ActionItem[] {
  const out: ActionItem[] = [];
  for (const d of info.domains) {
    const counts = Object.entries(d.counts)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${n.toLocaleString('en-US')} ${k}`)
      .join(' · ');
    out.push({ label: `$(shield) ${pickText(`${/att&ck/i.test(d.name) ? d.name : `${d.name} ATT&CK`} v${d.version}`)}`, description: d.modified ? pickText(`modified ${d.modified.slice(0, 10)}`) : undefined, detail: counts });
  }
  out.push({ label: 'Source', kind: vscode.QuickPickItemKind.Separator });
  out.push({ label: `$(database) ${pickText(info.source)}` });
  const last = info.events[info.events.length - 1];
  if (last) out.push({ label: `$(${last.outcome === 'failed' ? 'warning' : 'history'}) Last change (${last.origin}, ${last.at.slice(11, 19)} UTC)`, detail: pickText(last.message) });
  out.push({ label: 'Actions', kind: vscode.QuickPickItemKind.Separator });
  out.push({ label: '$(cloud-download) Update ATT&CK data…', description: pickText(lens.config.updateBaseUrl), run: () => vscode.commands.executeCommand('attackLens.updateAttackData') });
  out.push({ label: '$(gear) Use local STIX bundles…', description: 'attackLens.stixBundles', run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'attackLens.stixBundles') });
  out.push({ label: '$(output) Show ATT&CK Lens log', run: () => lens.log.show() });
  return out;
}

export function registerShowAttackInfoCommand(lens: LensContext): vscode.Disposable {
  return vscode.commands.registerCommand('attackLens.showAttackInfo', (options?: { quiet?: boolean }): AttackDataInfo => {
    const info = attackDataInfo(lens);
    if (options?.quiet) return info;
    const pick = vscode.window.createQuickPick<ActionItem>();
    pick.title = `ATT&CK Lens: ${info.versionLabel}`;
    pick.placeholder = 'Loaded ATT&CK data: pick an action';
    pick.matchOnDetail = true;
    pick.items = items(lens, info);
    pick.onDidAccept(() => {
      const chosen = pick.selectedItems[0];
      pick.hide();
      void chosen?.run?.();
    });
    pick.onDidHide(() => pick.dispose());
    pick.show();
    return info;
  });
}
