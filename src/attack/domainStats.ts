import { CompiledDomain } from './types';

// How many entries a loaded domain has, for `attack-lens stats` and "Show loaded ATT&CK data".

export interface DomainStats {
  domain: string;
  version: string;
  tactics: number;
  techniques: number;
  subtechniques: number;
  groups: number;
  software: number;
  campaigns: number;
  mitigations: number;
  detectionStrategies: number;
  revoked: number;
  deprecated: number;
}

const active = <T extends { revoked: boolean; deprecated: boolean }>(xs: readonly T[]) => xs.filter((x) => !x.revoked && !x.deprecated);

/** Counts of active entries per domain; revoked and deprecated count techniques only. */
export function domainStats(d: CompiledDomain): DomainStats {
  const techniques = active(d.techniques);
  return {
    domain: d.domain,
    version: d.version,
    tactics: active(d.tactics).length,
    techniques: techniques.filter((t) => !t.isSubtechnique).length,
    subtechniques: techniques.filter((t) => t.isSubtechnique).length,
    groups: active(d.groups).length,
    software: active(d.software).length,
    campaigns: active(d.campaigns).length,
    mitigations: active(d.mitigations).length,
    detectionStrategies: active(d.detectionStrategies).length,
    revoked: d.techniques.filter((t) => t.revoked).length,
    deprecated: d.techniques.filter((t) => t.deprecated && !t.revoked).length,
  };
}
