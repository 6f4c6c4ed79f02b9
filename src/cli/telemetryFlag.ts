import { AttackIndex } from '../attack/index';
import { CoverageModel } from '../coverage/model';
import { readTelemetryProfile, TelemetryFileError, telemetryJsonFromText, TelemetryProfile, telemetryReadingMessage } from '../coverage/telemetryProfile';
import { componentsReadByCoveringRules, RuleTelemetryLookup, telemetryStates, TelemetryStates } from '../coverage/telemetryStates';
import { ParsedRuleFile } from '../rules/types';
import { MAX_SMALL_FILE_BYTES, readRegularFile } from '../node/readRegularFile';
import { UsageError } from './args';

// `attack-lens coverage --telemetry FILE`: what the team collects, read from any form the extension
// reads (the `attackLens.telemetry` object as JSON or YAML, a VS Code settings file holding it, a
// DeTT&CT data-source administration file). A file that cannot be read, or names nothing ATT&CK
// knows, is bad usage; names ATT&CK does not know are listed on stderr and left out.

/** What each rule of the scanned files reads; the CLI context supplies it (src/cli/context.ts). */
export type RuleTelemetrySource = (files: readonly ParsedRuleFile[]) => RuleTelemetryLookup;

export function readTelemetryFlag(file: string, index: AttackIndex, warn: (message: string) => void): TelemetryProfile {
  const read = readRegularFile(file, MAX_SMALL_FILE_BYTES);
  if ('refused' in read) throw new UsageError(`--telemetry ${file}: cannot read the file: ${read.refused}`);
  let json: Record<string, unknown>;
  try {
    json = telemetryJsonFromText(read.bytes.toString('utf8'), file);
  } catch (e) {
    if (e instanceof TelemetryFileError) throw new UsageError(`--telemetry ${file}: ${e.message}`);
    throw e;
  }
  const reading = readTelemetryProfile(json, index);
  const message = telemetryReadingMessage(reading, index.versionLabel);
  if (reading.problems.length) throw new UsageError(`--telemetry ${file}: ${message}`);
  if (!reading.profile || (!reading.profile.collected.size && !reading.profile.byPlatform.size)) {
    throw new UsageError(`--telemetry ${file}: names no data component or log source of ${index.versionLabel}${message ? ` (${message})` : ''}`);
  }
  if (message) warn(`attack-lens: --telemetry ${file}: ${message} (left out)`);
  return reading.profile;
}

export function telemetryStatesForCli(model: CoverageModel, files: readonly ParsedRuleFile[], profile: TelemetryProfile, source: RuleTelemetrySource): TelemetryStates {
  return telemetryStates(model, profile, componentsReadByCoveringRules(model, source(files)));
}
