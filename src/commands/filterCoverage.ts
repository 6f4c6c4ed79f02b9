import * as vscode from 'vscode';
import { pickText } from '../outsideText';
import { Domain, DOMAINS } from '../attack/types';
import { LensContext } from '../context';

// "Filter coverage by platform and domain": one multi-select QuickPick with the loaded domains
// and the platforms their techniques name, written to the workspace settings
// attackLens.domains / attackLens.platforms (no platform picked = all platforms). The store
// rebuilds the model when the settings change. Called with `{ domains, platforms }` it writes
// those without asking.

interface FilterItem extends vscode.QuickPickItem {
  readonly domain?: Domain;
  readonly platform?: string;
}

interface CoverageFilter {
  readonly domains?: readonly Domain[];
  readonly platforms?: readonly string[];
}

export function registerFilterCoverageCommand(lens: LensContext): vscode.Disposable {
  return vscode.commands.registerCommand('attackLens.filterCoverage', async (given?: CoverageFilter) => {
    const filter = given && typeof given === 'object' ? given : await pickFilter(lens);
    if (!filter) return undefined;
    if (filter.domains) await lens.config.update('domains', filter.domains.length ? [...filter.domains] : undefined, 'workspaceIfOpen');
    if (filter.platforms) await lens.config.update('platforms', filter.platforms.length ? [...filter.platforms] : undefined, 'workspaceIfOpen');
    return filter;
  });
}

async function pickFilter(lens: LensContext): Promise<CoverageFilter | undefined> {
  const loaded = DOMAINS.filter((d) => lens.index.domain(d));
  const domains = new Set(lens.config.domains);
  const platforms = new Set(lens.config.platforms.map((p) => p.toLowerCase()));
  const items: FilterItem[] = [{ label: 'Domains', kind: vscode.QuickPickItemKind.Separator }];
  for (const d of loaded) {
    const info = lens.index.domain(d)!;
    items.push({ label: pickText(info.name), description: pickText(`${d} ${info.version}`), domain: d, picked: domains.has(d) });
  }
  items.push({ label: 'Platforms (none picked = all)', kind: vscode.QuickPickItemKind.Separator });
  for (const [platform, count] of platformCounts(lens, loaded)) {
    items.push({ label: pickText(platform), description: `${count} techniques`, platform, picked: platforms.has(platform.toLowerCase()) });
  }
  const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Coverage: domains and platforms', placeHolder: 'Pick the ATT&CK domains and platforms to measure coverage against' });
  if (!picked) return undefined;
  const pickedDomains = picked.filter((i) => i.domain).map((i) => i.domain!);
  if (!pickedDomains.length) {
    void vscode.window.showWarningMessage('Coverage needs at least one ATT&CK domain; the domains were left as they were.');
  }
  return { domains: pickedDomains.length ? pickedDomains : undefined, platforms: picked.filter((i) => i.platform).map((i) => i.platform!) };
}

/** Platforms named by active techniques of the given domains, with how many techniques name each. */
function platformCounts(lens: LensContext, domains: readonly Domain[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const d of domains) {
    for (const t of lens.index.activeTechniques(d)) for (const p of t.platforms) counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => a[0].localeCompare(b[0]));
}
