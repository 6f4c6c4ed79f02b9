import * as vscode from 'vscode';
import { SettingPath } from '../config';

/**
 * The one resolver for paths in settings and command arguments: a URI (`https://…`,
 * `vscode-remote://…`) as written, an absolute path as a file, anything else relative to the
 * folder it came with (Config says which), or to the current directory without one.
 * `~` is already expanded by Config.
 */
export function settingUri(p: SettingPath): vscode.Uri {
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(p.path)) return vscode.Uri.parse(p.path);
  if (p.path.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(p.path) || p.path.startsWith('\\\\')) return vscode.Uri.file(p.path);
  return p.base ? vscode.Uri.joinPath(p.base, p.path) : vscode.Uri.file(p.path);
}
