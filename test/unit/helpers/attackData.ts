import * as fs from 'fs';
import * as path from 'path';
import { compileBundle } from '../../../src/attack/compile';
import { AttackIndex } from '../../../src/attack/index';
import { readStixBundle, StixBundle } from '../../../src/attack/stix';

// Shared by unit tests: the real ATT&CK bundles from ../shared/attack (or ATTACK_LENS_STIX),
// read once per mocha process.

/** The repository root: the nearest folder above this (bundled) file with our package.json. */
export const projectRoot = (() => {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'attack-lens') return dir;
  }
  throw new Error(`cannot find the attack-lens package above ${__dirname}`);
})();
export const sharedRoot = process.env.ATTACK_LENS_SHARED || path.resolve(projectRoot, '..', 'shared');
export const stixDir = process.env.ATTACK_LENS_STIX || path.join(sharedRoot, 'attack');

export function bundlePath(file: string): string {
  const p = path.join(stixDir, file);
  if (!fs.existsSync(p)) throw new Error(`missing ATT&CK bundle ${p}: this test needs the real ATT&CK data (../shared/attack, or ATTACK_LENS_STIX set to the folder holding ${file}); the tests on test/fixtures/stix/ run without it`);
  return p;
}

const bundles = new Map<string, StixBundle>();
export function loadBundle(file: string): StixBundle {
  let b = bundles.get(file);
  if (!b) bundles.set(file, (b = readStixBundle(fs.readFileSync(bundlePath(file), 'utf8'), file)));
  return b;
}

/** Raw JSON objects of a bundle, for independent checks that bypass the compiler. */
export function rawObjects(file: string): Record<string, unknown>[] {
  return JSON.parse(fs.readFileSync(bundlePath(file), 'utf8')).objects;
}

let v18: AttackIndex | undefined;
/** Enterprise, Mobile and ICS 18.1 compiled into one index. */
export function index18(): AttackIndex {
  return (v18 ??= new AttackIndex(
    ['enterprise-attack-18.1.json', 'mobile-attack-18.1.json', 'ics-attack-18.1.json'].map((f) => compileBundle(loadBundle(f))),
  ));
}
