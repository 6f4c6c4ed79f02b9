import * as vscode from 'vscode';
import { fixAllEdits } from '../checks/fixAll';
import { Finding, TextEdit } from '../checks/findings';
import { checkRuleFile } from '../checks/referenceChecks';
import { LensContext } from '../context';
import { parseWithTreatment, toRange } from '../editor/documentFindings';
import { readRuleFile } from '../workspace/readRuleFile';
import { currentSelection, findRuleFiles, FoundRuleFile } from '../workspace/ruleFiles';

// "ATT&CK Lens: Fix all revoked references in workspace": every revoked ID in every rule file
// replaced by its current ATT&CK entry, as one WorkspaceEdit, after a confirmation.

export interface FixAllRevokedOptions {
  /** false skips the confirmation (tests, scripted use). */
  readonly confirm?: boolean;
}

export interface FixedFile {
  readonly uri: string;
  /** "line 12: attack.t1086 → attack.t1059.001" */
  readonly replacements: readonly string[];
}

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

function planFor(lens: LensContext, file: FoundRuleFile, text: string): Plan | undefined {
  const parsed = parseWithTreatment(lens, text, file.uri.fsPath, file.treatment);
  const { edits, fixed } = fixAllEdits(checkRuleFile(parsed, text, lens.index), (f) => f.code === 'attack-lens/revoked');
  return edits.length ? { file, edits, fixed } : undefined;
}

function describe(f: Finding): string {
  const to = f.fixes.find((x) => x.isPreferred)?.edits[0]?.newText ?? '?';
  return `line ${f.span.start.line + 1}: ${f.ref?.text ?? '?'} → ${to}`;
}

async function scan(lens: LensContext, token: vscode.CancellationToken): Promise<Plan[]> {
  const open = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
  const plans: Plan[] = [];
  for (const file of await findRuleFiles(currentSelection(lens.config), token)) {
    if (token.isCancellationRequested) break;
    try {
      const doc = open.get(file.uri.toString());
      const read = doc ? { text: doc.getText() } : await readRuleFile(file.uri);
      if (!('text' in read)) continue;
      const plan = planFor(lens, file, read.text);
      if (plan) plans.push(plan);
    } catch (e) {
      lens.log.error(`Fix all revoked: skipped ${file.uri.toString(true)}: ${(e as Error)?.message ?? String(e)}`);
    }
  }
  return plans;
}

export async function fixAllRevoked(lens: LensContext, options: FixAllRevokedOptions = {}): Promise<FixAllRevokedResult> {
  const none: FixAllRevokedResult = { references: 0, files: 0, details: [], cancelled: false };
  const scanned = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'ATT&CK Lens: looking for revoked references', cancellable: true },
    async (_p, token) => ({ plans: await scan(lens, token), cancelled: token.isCancellationRequested }),
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
    const fresh = planFor(lens, p.file, doc.getText());
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

export function registerFixAllRevoked(lens: LensContext): vscode.Disposable {
  return vscode.commands.registerCommand('attackLens.fixAllRevoked', (options?: FixAllRevokedOptions) => fixAllRevoked(lens, options && typeof options === 'object' ? options : {}));
}
