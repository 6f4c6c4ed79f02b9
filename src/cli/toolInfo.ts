import { version } from '../../package.json';
import { AttackIndex } from '../attack/index';

// What the CLI says about itself: `attack-lens --version`, and the tool block of a SARIF log.

export const TOOL_VERSION: string = version;
export const HOMEPAGE = 'https://github.com/attack-lens/attack-lens';
/** The README section that explains every finding code. */
export const CODES_HELP_URI = `${HOMEPAGE}#diagnostics-and-quick-fixes`;

/** `attack-lens 0.1.0` and the ATT&CK release of each domain it carries. */
export function versionText(index: AttackIndex): string {
  return `attack-lens ${TOOL_VERSION}\nATT&CK ${index.domains.map((d) => `${d.domain} ${d.version}`).join(', ')}`;
}
