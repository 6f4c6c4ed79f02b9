import { AttackIndex } from '../attack/index';
import { LATEST, parseAttackVersion } from '../attack/versions';
import { ParsedArgs, stringFlag, UsageError } from './args';
import { CliContext } from './context';

// `--attack-version V` (with `--stix PATH`): which ATT&CK release a command loads. Every command
// that reads the index takes both; they are read here, once.

export const ATTACK_VERSION_HELP = '      --attack-version V   the ATT&CK release to use (e.g. 17.1) among the shipped data or the --stix bundles; default latest\n';

/** The index the flags name, and the release parse workers load from the shipped data (undefined with --stix: they cannot). */
export function indexFromFlags(args: ParsedArgs, ctx: CliContext): { readonly index: AttackIndex; readonly shippedVersion?: string } {
  const raw = stringFlag(args, 'attack-version');
  const version = raw === undefined ? LATEST : parseAttackVersion(raw);
  if (version === undefined) throw new UsageError(`--attack-version takes "latest" or a release number such as 18.1, not "${raw!.slice(0, 40)}"`);
  const stix = stringFlag(args, 'stix');
  return { index: ctx.index(stix, version), shippedVersion: stix ? undefined : version };
}
