import { AttackIndex } from '../attack/index';
import { loadIndexForCli } from '../node/loadIndex';
import type { RuleTelemetrySource } from './telemetryFlag';

/** What a CLI command gets: output streams and the ATT&CK index (loaded on first use). */
export interface CliContext {
  out(text: string): void;
  err(text: string): void;
  readonly isTty: boolean;
  /** `version`: "latest" (the default) or a release (--attack-version). */
  index(stix?: string, version?: string): AttackIndex;
  /**
   * What each rule reads, as ATT&CK data components, for `coverage --telemetry`. Until the rule
   * parsers report it (issue #12 §1, the rules side), no rule reads a known data component.
   */
  readonly ruleTelemetry?: RuleTelemetrySource;
}

export function processContext(): CliContext {
  let cached: AttackIndex | undefined;
  const err = (t: string) => process.stderr.write(t.endsWith('\n') ? t : t + '\n');
  return {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
    err,
    isTty: !!process.stderr.isTTY,
    index: (stix, version) =>
      (cached ??= loadIndexForCli(
        stix,
        (f, why) => err(`attack-lens: skipping ${why.startsWith(f) ? why : `${f}: ${why}`}`),
        (warning) => err(`attack-lens: ${warning}`),
        version,
      )),
  };
}

export type CliCommand = (argv: readonly string[], ctx: CliContext) => number | Promise<number>;
