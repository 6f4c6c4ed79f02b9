import * as vscode from 'vscode';
import { fixAllEdits } from '../checks/fixAll';
import { Finding, TextEdit } from '../checks/findings';
import { checkRuleFile } from '../checks/referenceChecks';
import { LensContext } from '../context';
import { toRange } from '../editor/documentPositions';
import { ParsedRuleFile } from '../rules/types';
import { FoundRuleFile } from '../workspace/ruleFiles';
import { RuleStore } from '../workspace/ruleStore';
import { ruleFileTexts } from '../workspace/ruleFileTexts';

// "ATT&CK Lens: Fix all revoked references in workspace": every revoked ID in every rule file
// replaced by its current ATT&CK entry, as one WorkspaceEdit, after a confirmation. The files
// and their parses come from the RuleStore (open documents: their parse at the current version).

interface FixAllRevokedOptions {
  /** false skips the confirmation (tests, scripted use). */
  readonly confirm?: boolean;
}

interface FixedFile {
  readonly uri: string;
  /** "line 12: attack.t1086 → attack.t1059.001" */
  readonly replacements: readonly string[];
}

/** @public What the command returns to executeCommand callers. */
export interface FixAllRevokedResult {
  readonly references: number;
  readonly files: number;
  readonly details: readonly FixedFile[];
  readonly cancelled: boolean;
}

interface Plan {
  readonly file: FoundRuleFile;
  readonly edits: readonly TextEdit[];
  readonly fixed: readonly Finding[];
}

function planFor(lens: LensContext, file: FoundRuleFile, parsed: ParsedRuleFile, text: string): Plan | undefined {
  const { edits, fixed } = fixAllEdits(checkRuleFile(parsed, text, lens.index), (f) => f.code === 'attack-lens/revoked');
  return edits.length ? { file, edits, fixed } : undefined;
}

function describe(f: Finding): string {
  const to = f.fixes.find((x) => x.isPreferred)?.edits[0]?.newText ?? '?';
  return `line ${f.span.start.line + 1}: ${f.ref?.text ?? '?'} → ${to}`;
}

async function scan(lens: LensContext, store: RuleStore, token: vscode.CancellationToken): Promise<Plan[]> {
  const plans: Plan[] = [];
  for await (const f of ruleFileTexts(lens, store, token)) {
    try {
      const plan = planFor(lens, f.file, f.parsed, f.text);
      if (plan) plans.push(plan);
    } catch (e) {
      lens.log.error(`Fix all revoked: skipped ${f.file.uri.toString(true)}: ${(e as Error)?.message ?? String(e)}`);
    }
  }
  return plans;
}

async function fixAllRevoked(lens: LensContext, store: RuleStore, options: FixAllRevokedOptions = {}): Promise<FixAllRevokedResult> {
  const none: FixAllRevokedResult = { references: 0, files: 0, details: [], cancelled: false };
  const scanned = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'ATT&CK Lens: looking for revoked references', cancellable: true },
    async (_p, token) => ({ plans: await scan(lens, store, token), cancelled: token.isCancellationRequested }),
  );
  if (scanned.cancelled) return { ...none, cancelled: true };
  let plans = scanned.plans;
  if (plans.length === 0) {
    void vscode.window.showInformationMessage(`No revoked ATT&CK references in the workspace (${lens.index.versionLabel}).`);
    return none;
  }
  const count = plans.reduce((n, p) => n + p.fixed.length, 0);
  if (options.confirm !== false) {
    const detail = plans
      .slice(0, 8)
      .map((p) => `${vscode.workspace.asRelativePath(p.file.uri)}: ${p.fixed.map((f) => f.ref?.text).join(', ')}`)
      .concat(plans.length > 8 ? [`… and ${plans.length - 8} more files`] : [])
      .join('\n');
    const go = 'Replace';
    const answer = await vscode.window.showWarningMessage(`Replace ${count} revoked ATT&CK reference${count === 1 ? '' : 's'} in ${plans.length} file${plans.length === 1 ? '' : 's'}?`, { modal: true, detail }, go);
    if (answer !== go) return { ...none, cancelled: true };
  }

  // Re-plan on the documents themselves, so edits match what is in the editor right now.
  const edit = new vscode.WorkspaceEdit();
  const toSave: vscode.TextDocument[] = [];
  const applied: Plan[] = [];
  for (const p of plans) {
    const doc = await vscode.workspace.openTextDocument(p.file.uri);
    const now = lens.parsing.workspaceDocument(doc, p.file.treatment);
    const fresh = now && planFor(lens, p.file, now.parsed, now.text);
    if (!fresh) continue;
    const metadata = { label: `Replace revoked ATT&CK references in ${vscode.workspace.asRelativePath(p.file.uri)}`, needsConfirmation: false };
    for (const e of fresh.edits) edit.replace(p.file.uri, toRange(e.span), e.newText, metadata);
    if (!doc.isDirty) toSave.push(doc);
    applied.push(fresh);
  }
  plans = applied;
  if (!(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showErrorMessage('ATT&CK Lens: the revoked references could not be replaced (the files changed meanwhile?).');
    return { ...none, cancelled: true };
  }
  await Promise.all(toSave.map((d) => d.save()));

  const details = plans.map((p) => ({ uri: p.file.uri.toString(), replacements: p.fixed.map(describe) }));
  const references = plans.reduce((n, p) => n + p.fixed.length, 0);
  lens.log.info(`Fixed ${references} revoked references in ${plans.length} files:`);
  for (const d of details) lens.log.info(`  ${vscode.workspace.asRelativePath(vscode.Uri.parse(d.uri))}\n${d.replacements.map((r) => `    ${r}`).join('\n')}`);
  void vscode.window.showInformationMessage(`Fixed ${references} reference${references === 1 ? '' : 's'} in ${plans.length} file${plans.length === 1 ? '' : 's'}`, 'Show details').then((a) => {
    if (a) lens.log.show(true);
  });
  return { references, files: plans.length, details, cancelled: false };
}

export function registerFixAllRevoked(lens: LensContext, store: RuleStore): vscode.Disposable {
  return vscode.commands.registerCommand('attackLens.fixAllRevoked', (options?: FixAllRevokedOptions) => fixAllRevoked(lens, store, options && typeof options === 'object' ? options : {}));
}
