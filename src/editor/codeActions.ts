import * as vscode from 'vscode';
import { severityPerCode } from './findingsCap';
import { fixAllEdits } from '../checks/fixAll';
import { Finding, TextEdit } from '../checks/findings';
import { LensContext } from '../context';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import { toRange } from './documentPositions';
import { registerForAttackDocuments } from './documentSelector';

// Quick fixes for the ATT&CK diagnostics, and "Fix all ATT&CK issues in this file" as a
// source.fixAll action (so `editor.codeActionsOnSave: { "source.fixAll.attackLens": … }` works).

const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('attackLens');

function sameRange(f: Finding, d: vscode.Diagnostic): boolean {
  return toRange(f.span).isEqual(d.range);
}

function codeOf(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  return typeof c === 'object' && c !== null ? String(c.value) : c === undefined ? undefined : String(c);
}

function workspaceEdit(uri: vscode.Uri, edits: readonly TextEdit[]): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) edit.replace(uri, toRange(e.span), e.newText);
  return edit;
}

/** @internal The diagnostics host suite calls the provider directly. */
export class AttackCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND],
  };

  constructor(private readonly lens: LensContext) {}

  async provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext, token: vscode.CancellationToken): Promise<vscode.CodeAction[]> {
    try {
      const findings = await this.lens.parsing.findingsOffThread(document);
      if (!findings || token.isCancellationRequested) return [];
      const actions: vscode.CodeAction[] = [];
      if (!context.only || context.only.contains(vscode.CodeActionKind.QuickFix)) actions.push(...this.quickFixes(document, findings, context.diagnostics));
      if (context.only?.contains(FIX_ALL_KIND)) {
        const all = this.fixAll(document, findings, FIX_ALL_KIND);
        if (all) actions.push(all.action);
      }
      return actions;
    } catch (e) {
      this.lens.log.error(`ATT&CK code actions failed for ${document.uri.toString(true)}: ${(e as Error)?.stack ?? String(e)}`);
      return [];
    }
  }

  private quickFixes(document: vscode.TextDocument, findings: readonly Finding[], diagnostics: readonly vscode.Diagnostic[]): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    let ours = false;
    let revoked = false;
    for (const d of diagnostics) {
      if (d.source !== DIAGNOSTIC_SOURCE) continue;
      ours = true;
      const f = findings.find((x) => x.code === codeOf(d) && x.message === d.message && sameRange(x, d));
      if (f?.code === 'attack-lens/revoked') revoked = true;
      for (const fix of f?.fixes ?? []) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.edit = workspaceEdit(document.uri, fix.edits);
        action.diagnostics = [d];
        action.isPreferred = fix.isPreferred === true;
        actions.push(action);
      }
    }
    if (!ours) return actions;
    // With the lightbulb open, the file-wide and workspace-wide fixes are one click away too.
    const all = this.fixAll(document, findings, vscode.CodeActionKind.QuickFix);
    if (all && all.count > 1) actions.push(all.action);
    if (revoked) {
      const workspaceWide = new vscode.CodeAction('Fix all revoked ATT&CK references in the workspace…', vscode.CodeActionKind.QuickFix);
      workspaceWide.command = { command: 'attackLens.fixAllRevoked', title: workspaceWide.title };
      actions.push(workspaceWide);
    }
    return actions;
  }

  private fixAll(document: vscode.TextDocument, findings: readonly Finding[], kind: vscode.CodeActionKind): { action: vscode.CodeAction; count: number } | undefined {
    const settings = this.lens.config.for(document.uri);
    const severity = severityPerCode((code, fallback) => settings.severity(code, fallback));
    const { edits, fixed } = fixAllEdits(findings, (f) => severity(f) !== 'off');
    if (edits.length === 0) return undefined;
    const action = new vscode.CodeAction(`Fix all ATT&CK issues in this file (${fixed.length})`, kind);
    action.edit = workspaceEdit(document.uri, edits);
    return { action, count: fixed.length };
  }
}

export function registerCodeActions(lens: LensContext): vscode.Disposable {
  const provider = new AttackCodeActions(lens);
  return registerForAttackDocuments(lens.config, (selector) => vscode.languages.registerCodeActionsProvider(selector, provider, AttackCodeActions.metadata));
}
