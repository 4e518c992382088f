/**
 * The ISA coverage report: which forms of the instruction table a subject was actually tested
 * on, in which processor modes, set against the forms the table says are valid in each mode.
 * It sits beside the c8 report of our own code (reports/coverage/), which says what of xvc ran;
 * this says what of the x86 the suites exercised on the subject.
 *
 * Models no hardware; the table (reference-emulator/isa) is the denominator.
 */

import { FORMS, type CpuMode } from '../../reference-emulator/index.ts';

export const ISA_COVERAGE_SCHEMA = 'xvc-isa-coverage/1';

export interface IsaCoverage {
  schema: typeof ISA_COVERAGE_SCHEMA;
  subject: string;
  /** Per mode: forms exercised / forms the table marks valid in that mode (aliases included). */
  modes: Partial<Record<CpuMode, { covered: number; total: number; percent: number }>>;
  /** form id -> modes exercised, sorted. */
  forms: Record<string, CpuMode[]>;
  /** Forms valid in a mode that were exercised in no mode at all, for a to-do list. */
  untested: string[];
  /** Which instances covered each form (first few), to find the suite behind a number. */
  by: Record<string, string[]>;
}

/** Accumulates coverage from instance runs: form id -> mode -> instance names. */
export class CoverageCollector {
  private readonly seen = new Map<string, Map<CpuMode, Set<string>>>();

  add(instance: string, coverage: Iterable<readonly [string, Iterable<CpuMode>]>): void {
    for (const [form, modes] of coverage) {
      let byMode = this.seen.get(form);
      if (!byMode) this.seen.set(form, (byMode = new Map()));
      for (const mode of modes) {
        let names = byMode.get(mode);
        if (!names) byMode.set(mode, (names = new Set()));
        names.add(instance);
      }
    }
  }

  /** Serialisable form, for worker processes and shards. */
  entries(): Array<[string, CpuMode[]]> {
    return [...this.seen].map(([form, byMode]) => [form, [...byMode.keys()]]);
  }

  report(subject: string): IsaCoverage {
    const forms: Record<string, CpuMode[]> = {};
    const by: Record<string, string[]> = {};
    for (const [form, byMode] of [...this.seen].sort(([a], [b]) => (a < b ? -1 : 1))) {
      forms[form] = [...byMode.keys()].sort();
      by[form] = [...new Set([...byMode.values()].flatMap((s) => [...s]))].sort().slice(0, 5);
    }
    const modes: IsaCoverage['modes'] = {};
    const exercisedModes = new Set(Object.values(forms).flat());
    for (const mode of ['real', 'prot16', 'prot32', 'v86'] as const) {
      const valid = FORMS.filter((f) => f.id !== 'INVALID' && f.modes.includes(mode));
      if (valid.length === 0 || !exercisedModes.has(mode)) continue;
      const covered = valid.filter((f) => forms[f.id]?.includes(mode)).length;
      modes[mode] = { covered, total: valid.length, percent: Math.round((covered / valid.length) * 1000) / 10 };
    }
    const untested = FORMS.filter((f) => f.id !== 'INVALID' && forms[f.id] === undefined).map((f) => f.id);
    return { schema: ISA_COVERAGE_SCHEMA, subject, modes, forms, untested, by };
  }
}

export function coverageLine(report: IsaCoverage): string {
  const parts = Object.entries(report.modes).map(([mode, m]) => `${mode} ${m.covered}/${m.total} forms (${m.percent}%)`);
  return `isa coverage (${report.subject}): ${parts.length > 0 ? parts.join(', ') : 'no forms exercised'}`;
}
