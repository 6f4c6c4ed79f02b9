import * as vscode from 'vscode';
import { AttackIndex } from '../attack/index';
import { ID_IN_TEXT } from '../attack/ids';
import { LensContext } from '../context';
import { parseRuleFile } from '../rules/index';
import { LineSource } from '../rules/slots';
import { AttackReference, ParsedRuleFile, RuleFormat, Span } from '../rules/types';
import { formatFor } from './documentSelector';

// The ATT&CK references of an open document (from the rule parsers), parsed once per document
// version and index, for hovers and document links; and the reference under a position.

/** Documents beyond this many characters get no hovers or links (generated files, dumps). */
export const MAX_DOCUMENT_CHARS = 2_000_000;

interface Entry {
  readonly version: number;
  /** attackLens.files can change a document's format without changing the document. */
  readonly format: RuleFormat;
  readonly index: AttackIndex;
  readonly pattern: string;
  readonly parsed: ParsedRuleFile;
}

/** One place a reference is written: its ID/text, or (Elastic) its sibling name or reference line. */
export interface ReferenceTarget {
  readonly ref: AttackReference;
  readonly span: Span;
}

export class DocumentReferences {
  private readonly cache = new WeakMap<vscode.TextDocument, Entry>();

  constructor(private readonly lens: LensContext) {}

  /** The document's parsed references with its format, or undefined when it gets no ATT&CK features. Never throws. */
  get(document: vscode.TextDocument): { readonly format: RuleFormat; readonly parsed: ParsedRuleFile } | undefined {
    const format = formatFor(document, this.lens.config);
    if (!format) return undefined;
    const pattern = this.lens.config.genericIdPattern;
    const hit = this.cache.get(document);
    if (hit && hit.version === document.version && hit.format === format && hit.index === this.lens.index && hit.pattern === pattern) return { format, parsed: hit.parsed };
    const text = document.getText();
    if (text.length > MAX_DOCUMENT_CHARS) return undefined;
    let parsed: ParsedRuleFile;
    try {
      parsed = parseRuleFile(text, document.uri.fsPath || document.uri.path, this.lens.index, { format, genericPattern: format === 'generic' ? this.lens.config.genericIdRegExp ?? ID_IN_TEXT : undefined });
    } catch (e) {
      this.lens.log.error(`ATT&CK references could not be read for ${document.uri.toString(true)}: ${(e as Error)?.stack ?? String(e)}`);
      return undefined;
    }
    this.cache.set(document, { version: document.version, format, index: this.lens.index, pattern, parsed });
    return { format, parsed };
  }
}

const shared = new WeakMap<LensContext, DocumentReferences>();

export function documentReferences(lens: LensContext): DocumentReferences {
  let r = shared.get(lens);
  if (!r) shared.set(lens, (r = new DocumentReferences(lens)));
  return r;
}

function contains(span: Span, line: number, character: number): boolean {
  const afterStart = line > span.start.line || (line === span.start.line && character >= span.start.character);
  const beforeEnd = line < span.end.line || (line === span.end.line && character <= span.end.character);
  return afterStart && beforeEnd;
}

/** Every place a reference is written, including Elastic's sibling `name` and `reference` values. */
export function* referenceTargets(parsed: ParsedRuleFile): Generator<ReferenceTarget> {
  for (const rule of parsed.rules) {
    for (const ref of rule.references) {
      yield { ref, span: ref.span };
      if (ref.context?.name) yield { ref, span: ref.context.name.span };
      if (ref.context?.reference) yield { ref, span: ref.context.reference.span };
    }
  }
}

export function referenceAt(parsed: ParsedRuleFile, position: { readonly line: number; readonly character: number }): ReferenceTarget | undefined {
  for (const target of referenceTargets(parsed)) if (contains(target.span, position.line, position.character)) return target;
  return undefined;
}

export function toRange(span: Span): vscode.Range {
  return new vscode.Range(span.start.line, span.start.character, span.end.line, span.end.character);
}

/** A document's lines for the slot reader, without copying its text. */
export function documentLines(document: vscode.TextDocument): LineSource {
  return { lineCount: document.lineCount, lineAt: (n) => (n >= 0 && n < document.lineCount ? document.lineAt(n).text : '') };
}
