/**
 * isa/golden: the golden traces of fixtures/golden/, one instance per program
 * (`isa/golden~<program>`). Each instance records the program on the subject from the golden's
 * own starting point (its complete initial state and watched memory), one instruction per step,
 * and compares every step with the golden: every state field and watched memory byte, with only
 * the EFLAGS bits the executed instructions' table records leave undefined masked
 * (harness/trace/compare.ts). A program without a golden fails; so does a golden whose
 * program now starts differently (stale), or one that does not load (hash, format).
 *
 * Oracle: the goldens, recorded on the reference with `xvc trace rebase`, cross-checked against
 * QEMU there (each golden's `crossCheck` record: it agrees, or why not) and checked by hand
 * against the SDM. Leaves out: memory outside the watched regions, and the cycle-level timing
 * of anything (a step is one retired instruction or one delivered fault).
 */

import { existsSync } from 'node:fs';
import { checkGolden, executedForms, goldenNeeds } from '../../harness/trace/check.ts';
import { listEntries, programOptions, type GoldenEntry } from '../../harness/trace/goldens.ts';
import { fail, pass, type SuiteInstance } from '../../harness/suite/model.ts';
import type { InstrId } from '../../reference-emulator/index.ts';

/** The seeded bugs (suites/meta/mutants/) each program's golden must catch. */
const KILLS: Readonly<Record<string, readonly string[]>> = {
  'arith-flags': ['sbb-ignores-cf'],
  'shifts-rotates': ['shld-cf-from-result-top'],
  'bcd-adjust': ['daa-ignores-af'],
  'divide-error': ['de-pushes-next-ip'],
};

const BUDGET = { quick: 1, full: 1, soak: 1 } as const;

async function instanceOf(entry: GoldenEntry): Promise<SuiteInstance> {
  const name = `isa/golden~${entry.name}`;
  const kills = KILLS[entry.name] ?? [];
  let options;
  try {
    options = existsSync(entry.program) ? await programOptions(entry.program) : undefined;
  } catch (error) {
    // A broken options file fails this instance with its one-line message, not the whole discovery.
    const reason = (error as Error).message;
    return { name, tags: ['isa', 'golden'], needs: {}, budget: BUDGET, kills, run: async () => fail(reason) };
  }
  return {
    name,
    tags: ['isa', 'golden', ...(options ? [options.mode] : [])],
    needs: options ? goldenNeeds(options) : {},
    budget: BUDGET,
    kills,
    async run(subjects, ctx) {
      const subject = await subjects();
      try {
        const result = await checkGolden(entry, subject);
        if (result.actual) {
          for (const { form, mode } of executedForms(result.actual)) ctx.cover(form as InstrId, mode);
        }
        if (!result.passed) return fail(result.reason ?? 'golden check failed', result.divergence ? { divergence: result.divergence } : undefined, 1);
        ctx.log(`${entry.name}: ${result.actual?.steps.length ?? 0} steps match the golden`);
        return pass(1, { steps: result.actual?.steps.length ?? 0 });
      } finally {
        await subject.close();
      }
    },
  };
}

export async function instances(): Promise<SuiteInstance[]> {
  return Promise.all(listEntries().map(instanceOf));
}
