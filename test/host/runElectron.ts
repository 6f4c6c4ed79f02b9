import * as fs from 'fs';
import * as path from 'path';
import { copyWorkspace, projectRoot, tempDir } from './codeServer';
import type { SuiteResults } from './suiteIndex';

// `npm run test:electron [suite...]`: the same integration suites in desktop VS Code (Electron)
// through @vscode/test-electron. Uses VSCODE_EXECUTABLE when set, else a VS Code already in
// .vscode-test/, else tries to download 1.100.3 (which needs network access).

const VSCODE_VERSION = '1.100.3';
const integrationOut = path.join(projectRoot, 'out', 'test', 'integration');
const suiteIndex = path.join(projectRoot, 'out', 'test', 'host', 'suiteIndex.js');

async function main(): Promise<number> {
  const { runTests } = await import('@vscode/test-electron');
  const named = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const suites = named.length ? named : fs.existsSync(integrationOut) ? fs.readdirSync(integrationOut).filter((d) => fs.statSync(path.join(integrationOut, d)).isDirectory()).sort() : [];
  if (suites.length === 0) {
    console.error('no integration suites under out/test/integration: run `npm run build` first');
    return 1;
  }
  const executable = process.env.VSCODE_EXECUTABLE;
  if (executable && !fs.existsSync(executable)) {
    console.error(`VSCODE_EXECUTABLE=${executable} does not exist`);
    return 1;
  }
  let passed = 0;
  let failed = 0;
  for (const suite of suites) {
    console.log(`\n## ${suite} (VS Code ${executable ?? VSCODE_VERSION}, Electron)`);
    const workspace = copyWorkspace(path.join(projectRoot, 'test', 'fixtures', 'workspaces', suite), suite);
    const scratch = tempDir('electron');
    const resultsFile = path.join(scratch, 'results.json');
    try {
      await runTests({
        ...(executable ? { vscodeExecutablePath: executable } : { version: VSCODE_VERSION, cachePath: path.join(projectRoot, '.vscode-test') }),
        extensionDevelopmentPath: projectRoot,
        extensionTestsPath: suiteIndex,
        launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', path.join(scratch, 'user-data')],
        extensionTestsEnv: { ATTACK_LENS_SUITE: suite, ATTACK_LENS_TESTS_DIR: path.join(integrationOut, suite), ATTACK_LENS_RESULTS: resultsFile },
      });
    } catch (e) {
      const message = (e as Error).message ?? String(e);
      if (!fs.existsSync(resultsFile)) {
        const offline = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|getaddrinfo|Failed to get|download/i.test(message);
        console.error(
          offline
            ? `Could not download VS Code ${VSCODE_VERSION} (${message}).\nThis machine has no access to update.code.visualstudio.com: set VSCODE_EXECUTABLE to an installed VS Code binary, put a download in .vscode-test/, or use \`npm run test:integration\` (code-server).`
            : `VS Code did not run the suite: ${message}`,
        );
        fs.rmSync(scratch, { recursive: true, force: true });
        return 1;
      }
    }
    const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as SuiteResults;
    for (const line of results.lines) console.log(`  ${line}`);
    for (const f of results.failures) console.log(f.replace(/^/gm, '  '));
    passed += results.passed;
    failed += results.failed;
    fs.rmSync(scratch, { recursive: true, force: true });
    fs.rmSync(path.dirname(workspace), { recursive: true, force: true });
  }
  console.log(`\n${passed} passed, ${failed} failed`);
  return failed > 0 || passed === 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
