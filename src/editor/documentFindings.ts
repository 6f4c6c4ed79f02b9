import * as vscode from 'vscode';
import { AttackIndex } from '../attack/index';
import { Finding } from '../checks/findings';
import { checkRuleFile } from '../checks/referenceChecks';
import { LensContext } from '../context';
import { parseRuleFile } from '../rules/index';
import { ParsedRuleFile, RuleFormat } from '../rules/types';
import { formatFor } from './documentSelector';

// The ATT&CK findings of an open document, computed once per document version and index, and
// shared by the diagnostics and the code actions (which must agree on what they fix).

interface Entry {
  readonly version: number;
  readonly index: AttackIndex;
  readonly findings: readonly Finding[];
}

export class DocumentFindings {
  private readonly cache = new Map<string, Entry>();

  constructor(private readonly lens: LensContext) {}

  /** Findings for the document, or undefined when it gets no ATT&CK features. Never throws. */
  get(document: vscode.TextDocument): readonly Finding[] | undefined {
    const key = document.uri.toString();
    const hit = this.cache.get(key);
    if (hit && hit.version === document.version && hit.index === this.lens.index) return hit.findings;
    let findings: readonly Finding[] | undefined;
    try {
      const format = formatFor(document, this.lens.config);
      if (!format) {
        this.cache.delete(key);
        return undefined;
      }
      const text = document.getText();
      const index = this.lens.index;
      findings = checkRuleFile(parseWithTreatment(this.lens, text, document.uri.fsPath, format), text, index);
    } catch (e) {
      this.lens.log.error(`ATT&CK checks failed for ${document.uri.toString(true)}: ${(e as Error)?.stack ?? String(e)}`);
      findings = [];
    }
    this.cache.set(key, { version: document.version, index: this.lens.index, findings });
    return findings;
  }

  forget(document: vscode.TextDocument): void {
    this.cache.delete(document.uri.toString());
  }

  clear(): void {
    this.cache.clear();
  }
}

/** Parses rule text the way the workspace settings say the file is treated (`auto`: by content). */
export function parseWithTreatment(lens: LensContext, text: string, path: string, treatment: RuleFormat | 'auto'): ParsedRuleFile {
  if (treatment === 'auto') return parseRuleFile(text, path, lens.index);
  return parseRuleFile(text, path, lens.index, treatment === 'generic' ? { format: 'generic', genericPattern: lens.config.genericIdRegExp } : { format: treatment });
}

const shared = new WeakMap<LensContext, DocumentFindings>();

/** The one cache per extension instance, so diagnostics and code actions see the same findings. */
export function documentFindings(lens: LensContext): DocumentFindings {
  let f = shared.get(lens);
  if (!f) shared.set(lens, (f = new DocumentFindings(lens)));
  return f;
}

export function toRange(span: Finding['span']): vscode.Range {
  return new vscode.Range(span.start.line, span.start.character, span.end.line, span.end.character);
}
