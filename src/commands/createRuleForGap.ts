import * as vscode from 'vscode';
import { clip, noticeText, pickText } from '../outsideText';
import { AttackIndex } from '../attack/index';
import { parentOf } from '../attack/ids';
import { Technique } from '../attack/types';
import { LensContext } from '../context';
import { dominantFormat, ruleSkeleton, SkeletonFormat } from '../rules/skeletons';
import { ParsedRuleFile } from '../rules/types';
import { ThreatProfileState } from '../state/threatProfile';
import type { TelemetryMappingsState } from '../state/telemetryMappings';
import { LogSourceRef } from '../attack/types';
import { skeletonLogSource } from '../coverage/skeletonLogSource';
import { fileExists } from '../workspace/fileExists';

// "Create rule for this gap": a rule skeleton (src/rules/skeletons.ts) in the format most of
// the workspace's rule files use, pre-tagged with the technique and its tactics, opened as an
// UNTITLED editor whose path is already chosen: next to the existing rules of that format that
// are closest to the technique (same technique family, then same tactic, then most rules).
// Ctrl+S writes it there without a dialog. It stays untitled until then on purpose: a skeleton
// written to disk would count as coverage at once (its tags parse) and hide the gap before
// the rule has any detection logic. For a visible gap (a telemetry profile is set) the skeleton reads
// the collected log source the Priority gaps view names, in the format's words (skeletonLogSource.ts).
// Argument: a Priority gaps node, a technique ID, or nothing (asks with a QuickPick).

const CREATE_RULE_FOR_GAP_COMMAND = 'attackLens.createRuleForGap';

/** @public What the command returns to executeCommand callers. */
export interface CreatedRule {
  readonly document: vscode.TextDocument;
  readonly format: SkeletonFormat;
  readonly techniqueId: string;
  /** The collected log source the skeleton reads (`WinEventLog:Sysmon EventCode=1`), when it was filled from one. */
  readonly logSource?: string;
}

type GapArgument = string | { readonly kind?: string; readonly gap?: { readonly technique: Technique; readonly collectedLogSources?: readonly LogSourceRef[] }; readonly id?: string } | undefined;

function techniqueIdOf(arg: GapArgument): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg?.gap) return arg.gap.technique.id;
  if (arg?.kind === 'entry' || arg?.kind === 'attack') return arg.id;
  return undefined;
}

interface TechniqueItem extends vscode.QuickPickItem {
  readonly id?: string;
}

async function pickTechnique(lens: LensContext, state: ThreatProfileState): Promise<string | undefined> {
  const index = lens.index;
  const gaps = state.ranking.gaps;
  const inGaps = new Set(gaps.map((g) => g.technique.id));
  const tactics = (t: Technique) => t.tactics.map((s) => index.tactic(s, t.domain)?.name ?? s).join(', ');
  const items: TechniqueItem[] = [{ label: 'Priority gaps', kind: vscode.QuickPickItemKind.Separator }];
  for (const g of gaps) items.push({ id: g.technique.id, label: pickText(`${g.technique.id} ${index.fullName(g.technique.id)}`), description: pickText(g.reason), detail: pickText(tactics(g.technique)) });
  items.push({ label: 'All techniques', kind: vscode.QuickPickItemKind.Separator });
  for (const domain of state.store.model.domains) {
    for (const t of index.activeTechniques(domain)) {
      if (!inGaps.has(t.id)) items.push({ id: t.id, label: pickText(`${t.id} ${index.fullName(t.id)}`), detail: pickText(tactics(t)) });
    }
  }
  const picked = await vscode.window.showQuickPick(items, { title: 'Create rule for a technique', placeHolder: 'Type a technique ID or name (priority gaps first)', matchOnDescription: true });
  return picked?.id;
}

/** The folder holding the rule files of `format` closest to the technique, or undefined when there are none. */
function folderForRule(files: readonly ParsedRuleFile[], format: SkeletonFormat, technique: Technique, index: AttackIndex): string | undefined {
  const family = parentOf(technique.id) ?? technique.id;
  const scores = new Map<string, number>();
  for (const f of files) {
    if (f.format !== format || !f.rules.length) continue;
    const folder = f.path.slice(0, f.path.lastIndexOf('/'));
    let score = 1;
    const ids = f.rules.flatMap((r) => r.references.filter((x) => x.kind === 'technique' && x.id).map((x) => x.id!));
    if (ids.some((id) => (parentOf(id) ?? id) === family)) score += 100;
    else if (ids.some((id) => index.technique(id)?.tactics.some((s) => technique.tactics.includes(s)))) score += 10;
    scores.set(folder, (scores.get(folder) ?? 0) + score);
  }
  let best: string | undefined;
  let bestScore = 0;
  for (const [folder, score] of scores) {
    if (score > bestScore || (score === bestScore && best !== undefined && folder < best)) [best, bestScore] = [folder, score];
  }
  return best;
}

/** Taken on disk or by an open (perhaps unsaved) editor. */
async function taken(uri: vscode.Uri): Promise<boolean> {
  return vscode.workspace.textDocuments.some((d) => d.uri.path === uri.path) || (await fileExists(uri));
}

/** `folder/name`, or `folder/name_2…` when taken on disk or by an open editor. */
async function freeUri(folder: vscode.Uri, fileName: string): Promise<vscode.Uri> {
  const dot = fileName.lastIndexOf('.');
  for (let n = 1; ; n++) {
    const name = n === 1 ? fileName : `${fileName.slice(0, dot)}_${n}${fileName.slice(dot)}`;
    const uri = vscode.Uri.joinPath(folder, name);
    if (!(await taken(uri))) return uri;
  }
}

/** The collected log source the gaps view names for the technique (its first): from the node clicked, else the current ranking. */
function namedLogSource(state: ThreatProfileState, id: string, arg: GapArgument): LogSourceRef | undefined {
  const fromNode = typeof arg === 'object' && arg?.gap?.technique.id === id ? arg.gap.collectedLogSources : undefined;
  return (fromNode ?? state.ranking.gaps.find((g) => g.technique.id === id)?.collectedLogSources)?.[0];
}

async function createRuleForGap(lens: LensContext, state: ThreatProfileState, mappings: TelemetryMappingsState | undefined, arg?: GapArgument): Promise<CreatedRule | undefined> {
  const id = techniqueIdOf(arg) ?? (await pickTechnique(lens, state));
  if (!id) return undefined;
  const technique = lens.index.technique(id);
  if (!technique) {
    void vscode.window.showErrorMessage(noticeText(`${clip(id)} is not a technique in the loaded ${lens.index.versionLabel}.`));
    return undefined;
  }
  const files = state.store.files();
  const format = dominantFormat(files);
  const collected = mappings && namedLogSource(state, technique.id, arg);
  const logSource = collected && skeletonLogSource(format, collected, mappings.current);
  const skeleton = ruleSkeleton(lens.index, technique.id, format, { logSource });
  if (!skeleton) return undefined;
  const near = folderForRule(files, format, technique, lens.index);
  const root = vscode.workspace.workspaceFolders?.[0]?.uri;
  const folder = near ? state.store.uriOf(near) : root;
  let document: vscode.TextDocument;
  if (folder) {
    const target = await freeUri(folder, skeleton.fileName);
    document = await vscode.workspace.openTextDocument(target.with({ scheme: 'untitled' }));
    const editor = await vscode.window.showTextDocument(document);
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), skeleton.text));
    const todo = document.getText().indexOf('TODO');
    if (todo >= 0) editor.selection = new vscode.Selection(document.positionAt(todo), document.positionAt(todo + 4));
  } else {
    document = await vscode.workspace.openTextDocument({ content: skeleton.text, language: format === 'elastic' ? 'toml' : format === 'yaral' ? 'yaral' : 'yaml' });
    await vscode.window.showTextDocument(document);
  }
  lens.log.info(`Rule skeleton for ${technique.id} (${format}) at ${document.uri.toString(true)}${logSource ? ` reading ${logSource.logSource}` : ''}`);
  return { document, format, techniqueId: technique.id, logSource: logSource?.logSource };
}

export function registerCreateRuleForGapCommand(lens: LensContext, state: ThreatProfileState, mappings?: TelemetryMappingsState): vscode.Disposable {
  return vscode.commands.registerCommand(CREATE_RULE_FOR_GAP_COMMAND, (arg?: GapArgument) => createRuleForGap(lens, state, mappings, arg));
}
