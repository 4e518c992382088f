/**
 * `npm run golden:build [-- --write]`: keeps every golden program's .bin what nasm makes of its
 * .asm (fixtures/golden/). Each `<name>.asm` is assembled with `nasm -f bin` into a temporary
 * file and compared byte for byte with the committed `<name>.bin`:
 * - by default it only checks, and exits 1 naming every .bin that differs or is missing, and
 *   every .bin without its .asm;
 * - with `--write` it writes the .bin files that differ (atomically); the goldens then need
 *   `xvc trace rebase` (a stale golden fails `xvc trace check` until rebased).
 * `--dir DIR` checks another directory. Exits 2 when nasm cannot be run.
 *
 * Models no hardware; nasm assembles, the .asm files say what they exercise.
 */

import { $ } from 'zx';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_GOLDEN_DIR } from '../trace/goldens.ts';

const { values } = parseArgs({ options: { write: { type: 'boolean', default: false }, dir: { type: 'string' } } });
const dir = resolve(values.dir ?? DEFAULT_GOLDEN_DIR);
const quiet = $({ quiet: true, nothrow: true });

const version = await quiet`nasm -v`;
if (version.exitCode !== 0) {
  console.error(`golden:build: cannot run nasm (${version.stderr.trim() || `exit code ${version.exitCode}`}); install it to build the golden programs`);
  process.exit(2);
}
console.log(`golden:build: ${version.stdout.trim()}, ${values.write ? 'writing' : 'checking'} ${dir}`);

const files = readdirSync(dir);
const problems: string[] = [];
for (const bin of files.filter((f) => f.endsWith('.bin'))) {
  if (!files.includes(bin.replace(/\.bin$/, '.asm'))) problems.push(`${bin} has no ${bin.replace(/\.bin$/, '.asm')} to build it from`);
}

const scratch = await mkdtemp(join(tmpdir(), 'xvc-golden-build-'));
try {
  for (const asm of files.filter((f) => f.endsWith('.asm')).sort()) {
    const source = join(dir, asm);
    const target = join(dir, asm.replace(/\.asm$/, '.bin'));
    const built = join(scratch, basename(target));
    const result = await quiet`nasm -f bin -o ${built} ${source}`;
    if (result.exitCode !== 0) {
      problems.push(`${asm} does not assemble: ${result.stderr.trim().split('\n')[0] ?? `nasm exit code ${result.exitCode}`}`);
      continue;
    }
    const fresh = await readFile(built);
    const committed = existsSync(target) ? readFileSync(target) : undefined;
    if (committed && committed.equals(fresh)) {
      console.log(`ok    ${basename(target)} (${fresh.length} bytes)`);
    } else if (values.write) {
      // A temporary file beside the target, then a rename: a reader never sees half a .bin.
      const temp = `${target}.${process.pid}.tmp`;
      await writeFile(temp, fresh);
      await rename(temp, target);
      console.log(`wrote ${basename(target)} (${fresh.length} bytes); rebase its golden with 'xvc trace rebase ${target}'`);
    } else {
      problems.push(committed ? `${basename(target)} differs from what nasm builds from ${asm}` : `${basename(target)} is missing`);
    }
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}

for (const problem of problems) console.error(`golden:build: ${problem}`);
if (problems.length > 0 && !values.write) console.error("golden:build: run 'npm run golden:build -- --write', then 'xvc trace rebase' the changed programs");
process.exitCode = problems.length > 0 ? 1 : 0;
