// What the Coverage and Priority gaps views show instead of a tree when there is nothing to
// arrange yet: their welcome content (package.json viewsWelcome), picked by the context key
// attackLens.welcome. No vscode import: the states are decided from plain facts.

export type WelcomeState = 'noFolder' | 'scanning' | 'noRuleFiles';

export interface WelcomeFacts {
  readonly folders: number;
  /** A full scan has finished (or was cancelled) at least once. */
  readonly scanned: boolean;
  readonly scanning: boolean;
  /** Nothing to show: no rules, no files with problems, no skipped files (asked only once a scan finished). */
  readonly empty: () => boolean;
}

/** The welcome the views show, or undefined when they show the tree. */
export function welcomeState(facts: WelcomeFacts): WelcomeState | undefined {
  if (facts.folders === 0) return 'noFolder';
  if (!facts.scanned) return 'scanning';
  if (!facts.empty()) return undefined;
  return facts.scanning ? 'scanning' : 'noRuleFiles';
}
