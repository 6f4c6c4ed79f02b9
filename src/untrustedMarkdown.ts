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

/** An ATT&CK ID (T1059.001, TA0002, G0016, …): the only argument a command link carries. */
const COMMAND_ARGUMENT = /^[A-Z]{1,3}\d{4}(?:\.\d{3})?$/;

/**
 * A MarkdownString holding one command link and nothing from outside: `label` is our own text, the
 * argument an ATT&CK ID (checked), and only `command` is trusted, so no other link can run anything.
 * Undefined when the ID does not look like one.
 */
export function commandLinkMarkdown(label: string, command: string, id: string, tooltip: string): vscode.MarkdownString | undefined {
  if (!COMMAND_ARGUMENT.test(id)) return undefined;
  const md = new vscode.MarkdownString(`[${label}](command:${command}?${encodeURIComponent(JSON.stringify([id]))} "${tooltip}")`, false);
  md.isTrusted = { enabledCommands: [command] };
  md.supportHtml = false;
  md.supportThemeIcons = false;
  return md;
}
