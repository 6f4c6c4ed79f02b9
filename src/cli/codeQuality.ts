// `check --format codequality`: GitLab's code quality report (a subset of Code Climate's issue
// format), made from the SARIF log so both carry the same fingerprints.

interface SarifResult {
  readonly ruleId: string;
  readonly level: 'error' | 'warning' | 'note' | 'none';
  readonly message: { readonly text: string };
  readonly locations: readonly { readonly physicalLocation: { readonly artifactLocation: { readonly uri: string }; readonly region: { readonly startLine: number } } }[];
  readonly partialFingerprints: Readonly<Record<string, string>>;
}

const SEVERITY = { error: 'major', warning: 'minor', note: 'info', none: 'info' } as const;

export function codeQualityReport(sarif: { readonly runs: readonly { readonly results: readonly SarifResult[] }[] }): string {
  const issues = sarif.runs[0].results.map((r) => {
    const at = r.locations[0].physicalLocation;
    return {
      type: 'issue',
      check_name: r.ruleId,
      description: r.message.text,
      categories: ['Bug Risk'],
      severity: SEVERITY[r.level],
      fingerprint: Object.values(r.partialFingerprints)[0],
      location: { path: decodeURIComponent(at.artifactLocation.uri), lines: { begin: at.region.startLine } },
    };
  });
  return JSON.stringify(issues, null, 2) + '\n';
}
