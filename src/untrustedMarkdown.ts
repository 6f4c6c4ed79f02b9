import * as vscode from 'vscode';

// The one way ATT&CK Lens makes a MarkdownString (hovers, completion documentation, tree and
// status bar tooltips): not trusted (no command: links run), no HTML, no $(icon) syntax. Text from
// outside goes into it only through markdownText / markdownLink (src/outsideText.ts).

export function untrustedMarkdown(text = ''): vscode.MarkdownString {
  const md = new vscode.MarkdownString(text, false);
  md.isTrusted = false;
  md.supportHtml = false;
  md.supportThemeIcons = false;
  return md;
}
