import * as vscode from 'vscode';
import { TelemetryState } from '../coverage/telemetryTypes';

// How the four telemetry states look in the views (their words: src/coverage/telemetryStateText.ts).

const ICONS: Readonly<Record<TelemetryState, readonly [icon: string, color: string]>> = {
  detected: ['pass-filled', 'charts.green'],
  'no-telemetry': ['warning', 'charts.orange'],
  visible: ['eye', 'charts.blue'],
  blind: ['eye-closed', 'disabledForeground'],
};

export function stateIcon(state: TelemetryState): vscode.ThemeIcon {
  const [icon, color] = ICONS[state];
  return new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
}
