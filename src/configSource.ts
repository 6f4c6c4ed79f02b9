import * as vscode from 'vscode';
import { ConfigSource } from './config';

// Config's reads and writes on VS Code's configuration: the one place that calls
// vscode.workspace.getConfiguration (eslint.config.mjs keeps it so).

export function vscodeConfigSource(): ConfigSource {
  return {
    get: (section, key, resource) => vscode.workspace.getConfiguration(section, resource).get(key),
    inspect: (section, key, resource) => vscode.workspace.getConfiguration(section, resource).inspect(key),
    update: (section, key, value, target) => vscode.workspace.getConfiguration(section).update(key, value, target === 'workspace' ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global),
    get isTrusted() {
      return vscode.workspace.isTrusted;
    },
    get hasWorkspaceFolder() {
      return (vscode.workspace.workspaceFolders?.length ?? 0) > 0;
    },
    folderOf: (resource) => (resource ? vscode.workspace.getWorkspaceFolder(resource)?.uri : vscode.workspace.workspaceFolders?.[0]?.uri),
    home: process.env.HOME ?? process.env.USERPROFILE,
    onDidChange: (listener) => vscode.workspace.onDidChangeConfiguration((e) => listener((key, resource) => e.affectsConfiguration(key, resource))),
    onDidGrantTrust: (listener) => vscode.workspace.onDidGrantWorkspaceTrust(listener),
    warn: (message, setting) => {
      if (!setting) return void vscode.window.showWarningMessage(message);
      void vscode.window.showWarningMessage(message, 'Open Settings').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', setting);
      });
    },
  };
}
