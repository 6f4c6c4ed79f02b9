import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { AttackDataInfo } from '../../../src/commands/showAttackInfo';

import { waitFor } from '../../host/inHost';

export { activateApi, EXTENSION_ID, waitFor } from '../../host/inHost';
export const projectRoot = path.resolve(__dirname, '..', '..', '..', '..');
/** The shared ATT&CK bundles (the runner passes ATTACK_LENS_STIX through to the extension host). */
export const stixDir = process.env.ATTACK_LENS_STIX || path.resolve(projectRoot, '..', 'shared', 'attack');

export function info(): Promise<AttackDataInfo> {
  return vscode.commands.executeCommand<AttackDataInfo>('attackLens.showAttackInfo', { quiet: true }) as Promise<AttackDataInfo>;
}

/** Sets a workspace setting that reloads the ATT&CK data, waits for the reload and returns "<outcome>: <message>". */
export async function setDataSetting(key: 'stixBundles' | 'attackVersion', value: unknown): Promise<string> {
  const before = (await info()).events.length;
  await vscode.workspace.getConfiguration('attackLens').update(key, value, vscode.ConfigurationTarget.Workspace);
  const events = await waitFor('the settings reload to finish', async () => {
    const e = (await info()).events;
    return e.length > before ? e : undefined;
  });
  const last = events[events.length - 1];
  assert.strictEqual(last.origin, 'settings');
  return `${last.outcome}: ${last.message}`;
}

export function workspaceFolder(): vscode.WorkspaceFolder {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the suite runs with a workspace folder');
  return f;
}

/** Counts in a STIX bundle read straight from disk: the independent check for the index. */
export function stixCounts(file: string): { techniques: number; subtechniques: number; groups: number } {
  const bundle = JSON.parse(fs.readFileSync(file, 'utf8')) as { objects: Record<string, unknown>[] };
  const live = bundle.objects.filter((o) => !o.revoked && !o.x_mitre_deprecated);
  const patterns = live.filter((o) => o.type === 'attack-pattern');
  return {
    techniques: patterns.filter((o) => !o.x_mitre_is_subtechnique).length,
    subtechniques: patterns.filter((o) => o.x_mitre_is_subtechnique).length,
    groups: live.filter((o) => o.type === 'intrusion-set').length,
  };
}
