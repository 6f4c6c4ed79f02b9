// Builds everything into dist/ (what ships) and out/ (tests, tools, benchmarks).
// `node esbuild.js` builds once; `--watch` rebuilds on change; `--production` minifies dist/.
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const root = __dirname;
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

function filesUnder(dir, suffix) {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { recursive: true })
    .filter((f) => f.endsWith(suffix))
    .map((f) => path.join(dir, f));
}

// jsonc-parser's default (UMD) build requires its modules dynamically, which a bundle cannot
// follow; its ES module build bundles cleanly.
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning', alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' } };

const builds = [
  // What ships: the extension and the CLI, with their dependencies bundled in.
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], minify: production },
  // Parses large rule files off the extension host's main thread (src/workspace/parseOffThread.ts).
  { ...common, entryPoints: ['src/node/parseWorker.ts'], outfile: 'dist/parseWorker.js', minify: production },
  { ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, minify: production },
  // Tools, tests and benchmarks: node_modules stay external.
  {
    ...common,
    packages: 'external',
    // node_modules stay external here, so Node loads jsonc-parser's own (UMD) build, which it can.
    alias: {},
    entryPoints: [
      'src/node/buildIndex.ts',
      ...filesUnder('test/unit', '.ts'),
      ...filesUnder('test/integration', '.ts'),
      ...filesUnder('test/host', '.ts'),
      ...filesUnder('test/bench', '.ts'),
    ],
    outdir: 'out',
    outbase: '.',
    external: ['vscode'],
  },
];

async function main() {
  const present = builds.filter((b) => (b.entryPoints || []).every((e) => fs.existsSync(path.join(root, e))) && b.entryPoints.length);
  if (watch) {
    for (const b of present) await (await esbuild.context(b)).watch();
    console.log('esbuild: watching for changes');
    return;
  }
  await Promise.all(present.map((b) => esbuild.build(b)));
  fs.chmodSync(path.join(root, 'dist/cli.js'), 0o755);
  // The ATT&CK index the extension and the CLI load at run time.
  execFileSync(process.execPath, [path.join(root, 'out/src/node/buildIndex.js'), root, ...(production ? ['--production'] : [])], { stdio: 'inherit' });
}

main().catch((e) => {
  console.error(e.message || e);
  process.exit(1);
});
