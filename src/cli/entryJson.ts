import { AttackEntry, AttackIndex } from '../attack/index';

// The stable JSON shape of an entry for scripts (`show --json`, `search --json`).

export interface EntryJson {
  id: string;
  type: AttackEntry['kind'];
  name: string;
  domain: string;
  tactics: string[];
  platforms: string[];
  parent: string | null;
  subtechniques: string[];
  deprecated: boolean;
  revoked: boolean;
  replacedBy: string | null;
  url: string;
  aliases?: string[];
  groups?: string[];
  techniques?: string[];
  description: string;
}

export function entryJson(index: AttackIndex, e: AttackEntry): EntryJson {
  const json: EntryJson = {
    id: e.id,
    type: e.kind,
    name: e.name,
    domain: e.domain,
    tactics: e.kind === 'technique' ? [...e.tactics] : e.kind === 'tactic' ? [e.shortname] : [],
    platforms: 'platforms' in e ? [...e.platforms] : [],
    parent: e.kind === 'technique' ? e.parent ?? null : null,
    subtechniques: e.kind === 'technique' && !e.parent ? index.subtechniques(e.id).map((s) => s.id) : [],
    deprecated: e.deprecated,
    revoked: e.revoked,
    replacedBy: index.replacementOf(e.id) ?? null,
    url: e.url,
    description: e.description,
  };
  if ('aliases' in e) json.aliases = [...e.aliases];
  if (e.kind === 'technique') json.groups = index.groupsUsing(e.id).map((g) => g.id);
  if ('techniques' in e) json.techniques = [...e.techniques];
  return json;
}
