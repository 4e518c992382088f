/**
 * meta/dependency-arrows: imports point one way, suites -> harness -> reference-emulator
 * (DESIGN.md, "Layout"). Reads every import line of every .ts file and fails on:
 * - reference-emulator importing harness/ or suites/, or node: modules, mocha, chai, fast-check,
 *   zx (the emulator is a pure library);
 * - harness importing suites/ (the CLI finds suites by path, never by static import);
 * - anything outside reference-emulator importing a reference-emulator module other than its
 *   index.ts (the public API), except the emulator's own unit tests of internals listed below.
 * Oracle: the rule itself. Leaves out: dynamic import() with computed paths.
 */

import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TOP = ['reference-emulator', 'harness', 'suites'] as const;
const FORBIDDEN_IN_EMULATOR = /^(node:|mocha$|chai$|fast-check$|zx$|tap-parser$)/;
const IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...tsFiles(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

function area(path: string): string {
  return relative(ROOT, path).split(/[\\/]/)[0] ?? '';
}

function violations(): string[] {
  const found: string[] = [];
  for (const top of TOP) {
    for (const file of tsFiles(join(ROOT, top))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(IMPORT)) {
        const spec = match[1] ?? match[2] ?? match[3];
        if (!spec) continue;
        const where = relative(ROOT, file);
        if (!spec.startsWith('.')) {
          if (top === 'reference-emulator' && FORBIDDEN_IN_EMULATOR.test(spec)) found.push(`${where}: the emulator library imports '${spec}'`);
          continue;
        }
        const target = resolve(dirname(file), spec);
        const targetArea = area(target);
        if (top === 'reference-emulator' && targetArea !== 'reference-emulator') found.push(`${where}: imports ${relative(ROOT, target)} (emulator -> ${targetArea})`);
        if (top === 'harness' && targetArea === 'suites') found.push(`${where}: imports ${relative(ROOT, target)} (harness -> suites)`);
        if (top !== 'reference-emulator' && targetArea === 'reference-emulator' && relative(ROOT, target) !== join('reference-emulator', 'index.ts')) {
          found.push(`${where}: imports ${relative(ROOT, target)} instead of reference-emulator/index.ts`);
        }
      }
    }
  }
  return found;
}

describe('meta/dependency-arrows: suites -> harness -> reference-emulator', () => {
  it('no import goes against the arrows or around reference-emulator/index.ts', () => {
    expect(violations()).to.deep.equal([]);
  });

  it('the checker sees imports at all (guards against a regex that matches nothing)', () => {
    const text = readFileSync(join(ROOT, 'harness/cli/exec.ts'), 'utf8');
    expect([...text.matchAll(IMPORT)].length).to.be.greaterThan(3);
  });
});
