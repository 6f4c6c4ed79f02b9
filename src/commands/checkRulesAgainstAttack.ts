import * as vscode from 'vscode';
import { fixAllEdits } from '../checks/fixAll';
import { Finding } from '../checks/findings';
import { STALE_CATEGORIES, StaleCategory, StaleReference, staleReferences } from '../checks/staleReferences';
import { LensContext } from '../context';
import { noticeText } from '../outsideText';
import { toRange } from '../editor/documentPositions';
import { FoundRuleFile } from '../workspace/ruleFiles';
import { ruleFileTexts } from '../workspace/ruleFileTexts';
import { RuleStore } from '../workspace/ruleStore';
import { RuleScope, scopeLabel, scopeOfArguments } from '../workspace/ruleScope';
import { showStaleReferencesPicker } from './staleReferencesPicker';

// "ATT&CK Lens: Check rules against ATT&CK data": every rule reference in the workspace that the
// loaded ATT&CK data no longer backs (revoked, deprecated, unknown, renamed), grouped in a
// picker with a fix per item and "Fix all". Diagnostics already cover open files; this is the
// whole-workspace sweep a detection engineer runs after an ATT&CK update. It reads the RuleStore's
// parses (open documents: their parse at the current version), and re-reads a file only to fix it.
// Arguments (tests, scripts): `{ show: false }` returns the findings without UI,
// `{ fixAll: true }` applies every preferred fix, `{ fix: item }` one item's fix, without asking.
// From the explorer or editor context menu it gets the files and folders picked: it checks those.

const CHECK_RULES_COMMAND = 'attackLens.checkRulesAgainstAttack';

interface CheckRulesOptions {
  /** false: no picker, just the result. */
  readonly show?: boolean;
  /** Apply every preferred fix (one WorkspaceEdit per file, saved) before reporting what is left. */
  readonly fixAll?: boolean;
  /** Apply one item's fix first (the picker's wrench): an item of an earlier result, and the fix title (default: its preferred or first fix). */
  readonly fix?: StaleItem;
  readonly fixTitle?: string;
}

export interface StaleItem {
  readonly uri: string;
  /** Workspace-relative path. */
  readonly path: string;
  /** 1-based. */
  readonly line: number;
  readonly character: number;
  readonly category: StaleCategory;
  readonly code: string;
  /** The reference as written. */
  readonly text: string;
  readonly message: string;
  /** The fix "Fix all" applies, when there is one obvious fix. */
  readonly fix?: string;
  /** Every fix offered for the item. */
  readonly fixes: readonly string[];
}

/** @public What the command returns to executeCommand callers. */
export interface CheckRulesResult {
  /** Rule files read. */
  readonly scanned: number;
  readonly items: readonly StaleItem[];
  readonly fixed?: { readonly references: number; readonly files: number };
  /** With `fix`: whether that fix was applied. */
  readonly fixedItem?: boolean;
  readonly cancelled: boolean;
}

interface FileReport {
  readonly file: FoundRuleFile;
  readonly stale: readonly StaleReference[];
}

/** The stale references of an open document, as the workspace file it is. */
function staleInDocument(lens: LensContext, file: FoundRuleFile, document: vscode.TextDocument): StaleReference[] {
  const now = lens.parsing.workspaceDocument(document, file.treatment);
  return now ? staleReferences(now.parsed, now.text, lens.index) : [];
}

/** Every rule file of the workspace (or of the scope) with its stale references (files without any are left out). */
async function scanWorkspace(lens: LensContext, store: RuleStore, token?: vscode.CancellationToken, scope?: RuleScope): Promise<{ reports: FileReport[]; scanned: number }> {
  const reports: FileReport[] = [];
  let scanned = 0;
  for await (const { file, parsed, text } of ruleFileTexts(lens, store, token, scope)) {
    scanned++;
    try {
      const stale = staleReferences(parsed, text, lens.index);
      if (stale.length) reports.push({ file, stale });
    } catch (e) {
      lens.log.error(`Check rules: skipped ${file.uri.toString(true)}: ${(e as Error)?.message ?? String(e)}`);
    }
  }
  return { reports, scanned };
}

function toItems(reports: readonly FileReport[]): StaleItem[] {
  const items: StaleItem[] = [];
  for (const r of reports) {
    for (const s of r.stale) {
      const f = s.finding;
      const preferred = f.fixes.find((x) => x.isPreferred);
      items.push({
        uri: r.file.uri.toString(),
        path: vscode.workspace.asRelativePath(r.file.uri),
        line: f.span.start.line + 1,
        character: f.span.start.character,
        category: s.category,
        code: f.code,
        text: f.ref?.text ?? '',
        message: f.message,
        ...(preferred ? { fix: preferred.title } : {}),
        fixes: f.fixes.filter((x) => x.edits.length > 0).map((x) => x.title),
      });
    }
  }
  const order = (c: StaleCategory) => STALE_CATEGORIES.indexOf(c);
  return items.sort((a, b) => order(a.category) - order(b.category) || (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
}

/** Applies edits to one file as its own WorkspaceEdit, saving it unless it had unsaved changes. */
async function applyToFile(uri: vscode.Uri, edits: readonly Finding['fixes'][number]['edits'][number][], label: string): Promise<boolean> {
  if (!edits.length) return false;
  const doc = await vscode.workspace.openTextDocument(uri);
  const wasDirty = doc.isDirty;
  const edit = new vscode.WorkspaceEdit();
  const metadata = { label, needsConfirmation: false };
  for (const e of edits) edit.replace(uri, toRange(e.span), e.newText, metadata);
  if (!(await vscode.workspace.applyEdit(edit))) return false;
  if (!wasDirty) await doc.save();
  return true;
}

/** Every preferred fix, re-planned on each file's current text: one WorkspaceEdit per file. */
async function fixAllStale(lens: LensContext, reports: readonly FileReport[]): Promise<{ references: number; files: number }> {
  let references = 0;
  let files = 0;
  for (const r of reports) {
    if (!r.stale.some((s) => s.finding.fixes.some((f) => f.isPreferred))) continue;
    const doc = await vscode.workspace.openTextDocument(r.file.uri);
    const { edits, fixed } = fixAllEdits(staleInDocument(lens, r.file, doc).map((s) => s.finding));
    const rel = vscode.workspace.asRelativePath(r.file.uri);
    if (await applyToFile(r.file.uri, edits, `Update ATT&CK references in ${rel}`)) {
      references += fixed.length;
      files++;
      lens.log.info(`Check rules: fixed ${fixed.length} reference${fixed.length === 1 ? '' : 's'} in ${rel}: ${fixed.map((f) => f.ref?.text ?? '?').join(', ')}`);
    } else if (edits.length) lens.log.warn(`Check rules: could not edit ${rel} (changed meanwhile?)`);
  }
  return { references, files };
}

/** Applies one fix of one item (by its title), re-planned on the file's current text. */
async function fixItem(lens: LensContext, store: RuleStore, item: StaleItem, fixTitle?: string): Promise<boolean> {
  const uri = vscode.Uri.parse(item.uri);
  const treatment = store.treatmentOf(uri);
  if (!treatment) return false;
  const file: FoundRuleFile = { uri, treatment };
  const doc = await vscode.workspace.openTextDocument(uri);
  const match = staleInDocument(lens, file, doc).find((s) => s.finding.code === item.code && s.finding.span.start.line + 1 === item.line && s.finding.span.start.character === item.character);
  const fix = match?.finding.fixes.find((f) => (fixTitle ? f.title === fixTitle : f.isPreferred)) ?? (fixTitle ? undefined : match?.finding.fixes.find((f) => f.edits.length > 0));
  if (!fix) return false;
  return applyToFile(uri, fix.edits, `${fix.title} in ${item.path}`);
}

async function checkRulesAgainstAttack(lens: LensContext, store: RuleStore, options: CheckRulesOptions = {}, scope?: RuleScope): Promise<CheckRulesResult> {
  const scan = () =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'ATT&CK Lens: checking rules against ATT&CK data', cancellable: true }, async (_p, token) => ({
      ...(await scanWorkspace(lens, store, token, scope)),
      cancelled: token.isCancellationRequested,
    }));
  const fixedItem = options.fix ? await fixItem(lens, store, options.fix, options.fixTitle ?? options.fix.fix ?? options.fix.fixes[0]) : undefined;
  let scanned = await scan();
  if (scanned.cancelled) return { scanned: scanned.scanned, items: [], cancelled: true };
  let fixed: { references: number; files: number } | undefined;
  if (options.fixAll) {
    fixed = await fixAllStale(lens, scanned.reports);
    scanned = await scan();
  }
  const items = toItems(scanned.reports);
  const result: CheckRulesResult = { scanned: scanned.scanned, items, ...(fixed ? { fixed } : {}), ...(fixedItem !== undefined ? { fixedItem } : {}), cancelled: false };
  if (options.show === false) return result;
  if (!items.length) {
    const where = scope ? ` of ${scopeLabel(scope)}` : '';
    void vscode.window.showInformationMessage(noticeText(`All ATT&CK references in ${scanned.scanned} rule file${scanned.scanned === 1 ? '' : 's'}${where} are current in ${lens.index.versionLabel}.`));
    return result;
  }
  void showStaleReferencesPicker(lens, items, {
    rescan: async () => toItems((await scanWorkspace(lens, store, undefined, scope)).reports),
    fixAll: async () => fixAllStale(lens, (await scanWorkspace(lens, store, undefined, scope)).reports),
    fixItem: (item, title) => fixItem(lens, store, item, title),
  });
  return result;
}

export function registerCheckRulesAgainstAttack(lens: LensContext, store: RuleStore): vscode.Disposable {
  return vscode.commands.registerCommand(CHECK_RULES_COMMAND, (options?: unknown, selected?: unknown) => {
    const scope = scopeOfArguments(options, selected);
    if (scope) return checkRulesAgainstAttack(lens, store, {}, scope);
    return checkRulesAgainstAttack(lens, store, options && typeof options === 'object' ? (options as CheckRulesOptions) : {});
  });
}
