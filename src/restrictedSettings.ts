import { parse as parseJsonc } from 'jsonc-parser';

// Which attackLens.* settings Restricted Mode ignores, and finding them in a settings file.
// No vscode import (unit tests compare the list with package.json).

export const SECTION = 'attackLens';

/**
 * Settings that name a file, a URL or a pattern: in an untrusted workspace (Restricted Mode) their
 * workspace and folder values are ignored and the user's or the default value is used. Listed in
 * package.json capabilities.untrustedWorkspaces.restrictedConfigurations too (a unit test compares).
 */
export const RESTRICTED_SETTINGS = ['stixBundles', 'updateBaseUrl', 'siteBaseUrl', 'atomicsIndex', 'generic.idPattern', 'telemetry.mappings'] as const;
export type RestrictedSetting = (typeof RESTRICTED_SETTINGS)[number];

/** The restricted attackLens.* settings that a workspace settings file sets (flat keys, nested objects, language blocks). */
export function restrictedKeysIn(settingsText: string): string[] {
  const wanted = RESTRICTED_SETTINGS.map((r) => `${SECTION}.${r}`);
  const found = new Set<string>();
  const visit = (value: unknown, prefix: string) => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return;
    for (const [key, child] of Object.entries(value)) {
      // "[yaml]": { … } blocks hold settings under their own names.
      const path = /^\[.*\]$/.test(key) && !prefix ? '' : prefix ? `${prefix}.${key}` : key;
      if (wanted.includes(path)) found.add(path);
      else if (path === '' || wanted.some((w) => w.startsWith(`${path}.`))) visit(child, path);
    }
  };
  visit(parseJsonc(settingsText, [], { allowTrailingComma: true }), '');
  return wanted.filter((k) => found.has(k));
}

