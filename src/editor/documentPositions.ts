import * as vscode from 'vscode';
import { LineSource } from '../rules/slots';
import { Span } from '../rules/types';

// The rule parsers' positions in VS Code terms: the one span → Range conversion, and a
// document's lines for the slot reader.

export function toRange(span: Span): vscode.Range {
  return new vscode.Range(span.start.line, span.start.character, span.end.line, span.end.character);
}

/** A document's lines for the slot reader, without copying its text. */
export function documentLines(document: vscode.TextDocument): LineSource {
  return { lineCount: document.lineCount, lineAt: (n) => (n >= 0 && n < document.lineCount ? document.lineAt(n).text : '') };
}
