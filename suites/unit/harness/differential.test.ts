/**
 * The differential suite's comparator and its masking (suites/isa/differential/): which EFLAGS
 * bits are undefined after each instruction, from the table records and the count rules of the
 * SDM; that a masked bit never makes a difference and an unmasked one always does; that a step
 * reading an undefined flag is seen; and the generator's contracts (same seed, same programs;
 * every memory access of a generated program stays in the compared regions).
 * Oracle: the SDM "Flags Affected" sections as the table records them, and hand-worked values.
 * Leaves out: the property run itself (isa/differential and its mutants cover it).
 */

import { expect } from 'chai';
import fc from 'fast-check';
import { formById, FLAG_AF, FLAG_CF, FLAG_OF, FLAG_PF, FLAG_SF, FLAG_ZF, FLAGS_STATUS } from '../../../reference-emulator/index.ts';
import { createReferenceSubject } from '../../../harness/adapters/reference/index.ts';
import type { ArchState } from '../../../harness/adapter.ts';
import { flagEffect, recordEffect, UndefinedFlags } from '../../isa/differential/flags.ts';
import { compareObservations, compareStates } from '../../isa/differential/compare.ts';
import { eligibleForms, excludedForms } from '../../isa/differential/forms.ts';
import { caseArbitrary, type DifferentialCase, type Item } from '../../isa/differential/generator.ts';
import { COMPARED_REGIONS, MEMORY_SIZE, startingSetup } from '../../isa/differential/layout.ts';
import { prepareCase, resetForCases, runOracle, type Observation } from '../../isa/differential/run-case.ts';

const form = formById;
/** The undefined set after retiring `steps` in order, from an empty set. */
function after(...steps: Array<[string, { count?: number; repCounter?: number }?]>): number {
  const flags = new UndefinedFlags();
  for (const [id, values] of steps) flags.retire(flagEffect(form(id), values ?? {}));
  return flags.mask;
}

describe('differential: undefined flags from the table', function () {
  it('reads the records: DIV leaves all six undefined, ADD defines all six, AND leaves AF', function () {
    expect(recordEffect(form('Div_rm16'))).to.deep.equal({ defined: 0, undefined: FLAGS_STATUS });
    expect(recordEffect(form('Add_rm16_r16'))).to.deep.equal({ defined: FLAGS_STATUS, undefined: 0 });
    expect(recordEffect(form('And_rm8_r8'))).to.deep.equal({ defined: FLAGS_STATUS & ~FLAG_AF, undefined: FLAG_AF });
  });

  it('a flag stays undefined until an instruction writes it defined: DIV then INC keeps CF masked', function () {
    expect(after(['Div_rm16'])).to.equal(FLAGS_STATUS);
    expect(after(['Div_rm16'], ['Inc_r16']), 'INC preserves CF, defines the rest').to.equal(FLAG_CF);
    expect(after(['Div_rm16'], ['Mov_r16_rm16']), 'MOV writes no flag').to.equal(FLAGS_STATUS);
    expect(after(['Div_rm16'], ['Add_rm16_r16'])).to.equal(0);
    expect(after(['And_rm8_r8'], ['Clc']), 'CLC defines only CF').to.equal(FLAG_AF);
  });

  it('a shift by a masked count of 0 changes nothing, neither defining nor undefining', function () {
    expect(after(['Div_rm16'], ['Shl_rm16_CL', { count: 0 }])).to.equal(FLAGS_STATUS);
    expect(after(['Div_rm16'], ['Shl_rm16_CL', { count: 32 }]), '32 AND 1FH = 0').to.equal(FLAGS_STATUS);
    expect(after(['Add_rm16_r16'], ['Rol_rm8_imm8', { count: 0 }])).to.equal(0);
  });

  it('a count of 1 has the one-bit form\'s flags (OF defined); larger counts leave OF undefined', function () {
    expect(after(['Shl_rm8_CL', { count: 1 }])).to.equal(FLAG_AF);
    expect(after(['Shl_rm8_CL', { count: 33 }]), '33 AND 1FH = 1').to.equal(FLAG_AF);
    expect(after(['Shl_rm8_CL', { count: 2 }])).to.equal(FLAG_OF | FLAG_AF);
    expect(after(['Rol_rm16_imm8', { count: 1 }])).to.equal(0);
    expect(after(['Rol_rm16_imm8', { count: 3 }])).to.equal(FLAG_OF);
  });

  it('SHL/SHR leave CF undefined only for a count of at least the operand width', function () {
    expect(after(['Shr_rm16_imm8', { count: 15 }]) & FLAG_CF).to.equal(0);
    expect(after(['Shr_rm16_imm8', { count: 16 }]) & FLAG_CF).to.equal(FLAG_CF);
    expect(after(['Shl_rm8_CL', { count: 7 }]) & FLAG_CF).to.equal(0);
    expect(after(['Shl_rm8_CL', { count: 8 }]) & FLAG_CF).to.equal(FLAG_CF);
    expect(after(['Sar_rm8_CL', { count: 9 }]) & FLAG_CF, 'SAR defines CF for every count').to.equal(0);
  });

  it('RCL/RCR r/m8 by a multiple of 9 rotate nothing: CF keeps its state, OF becomes undefined', function () {
    expect(after(['Div_rm16'], ['Rcl_rm8_CL', { count: 9 }])).to.equal(FLAGS_STATUS);
    expect(after(['Add_rm16_r16'], ['Rcl_rm8_CL', { count: 18 }])).to.equal(FLAG_OF);
    expect(after(['Div_rm16'], ['Rcr_rm16_imm8', { count: 17 }]) & FLAG_CF, 'mod 17 for r/m16').to.equal(FLAG_CF);
    expect(after(['Div_rm16'], ['Rcl_rm32_CL', { count: 9 }]) & FLAG_CF, 'r/m32 has no modulo').to.equal(0);
  });

  it('SHLD/SHRD: a count of 1 defines OF; r/m16 by more than 16 leaves the result undefined', function () {
    expect(after(['Shld_rm16_r16_imm8', { count: 1 }])).to.equal(FLAG_AF);
    expect(after(['Shld_rm16_r16_imm8', { count: 2 }])).to.equal(FLAG_OF | FLAG_AF);
    expect(flagEffect(form('Shrd_rm16_r16_CL'), { count: 17 }).resultUndefined).to.be.a('string');
    expect(flagEffect(form('Shrd_rm32_r32_CL'), { count: 17 }).resultUndefined).to.equal(undefined);
    expect(flagEffect(form('Shrd_rm16_r16_CL'), { count: 16 }).resultUndefined).to.equal(undefined);
  });

  it('a REP string instruction with a count of 0 writes no flag', function () {
    expect(after(['Div_rm16'], ['Cmpsb_m8_m8', { repCounter: 0 }])).to.equal(FLAGS_STATUS);
    expect(after(['Div_rm16'], ['Cmpsb_m8_m8', { repCounter: 3 }])).to.equal(0);
    expect(after(['Div_rm16'], ['Cmpsb_m8_m8']), 'without REP').to.equal(0);
  });

  it('sees a step that reads an undefined flag (ADC after DIV, PUSHF after AND, a Jcc on ZF after BSF is fine)', function () {
    const flags = new UndefinedFlags();
    flags.retire(flagEffect(form('Div_rm16')));
    expect(flags.readsUndefined(form('Adc_rm16_r16'))).to.equal(FLAG_CF);
    flags.retire(flagEffect(form('And_rm8_r8')));
    expect(flags.readsUndefined(form('Pushfw'))).to.equal(FLAG_AF);
    expect(flags.readsUndefined(form('Jo_rel8_16'))).to.equal(0);
    flags.retire(flagEffect(form('Bsf_r16_rm16')));
    expect(flags.readsUndefined(form('Je_rel8_16'))).to.equal(0);
    expect(flags.readsUndefined(form('Jb_rel8_16'))).to.equal(FLAG_CF);
  });
});

function state(eflags: number, eax = 0): ArchState {
  const s = startingSetup('flat32', { eax }, eflags).state;
  return { ...s, eflags };
}

/** A flat-mode case from hand-written items (no set-up moves), registers as given. */
function flatCase(items: Array<[string, Item['ops']]>, regs: Partial<DifferentialCase['start']['regs']>): DifferentialCase {
  return {
    items: items.map(([id, ops]) => ({ form: form(id), ops, setup: [] })),
    start: { regs: { eax: 0, ecx: 0, edx: 0, ebx: 0, ebp: 0, esi: 0, edi: 0, ...regs }, eflags: 0x2, memorySeed: 0 },
  };
}

describe('differential: the oracle\'s stepped run follows the undefined flags', function () {
  const oracle = createReferenceSubject();
  before(async function () {
    await resetForCases(oracle, 'modern');
  });

  it('DIV leaves every status flag undefined at the end; an ADD after it defines them again', async function () {
    const div = await runOracle(oracle, prepareCase(flatCase([['Div_rm32', { rm: 1 }]], { eax: 7, ecx: 2 }), 'flat32', 'modern'));
    expect(div.stop.kind).to.equal('halt');
    expect(div.undefinedFlags).to.equal(FLAGS_STATUS);
    const add = await runOracle(oracle, prepareCase(flatCase([['Div_rm32', { rm: 1 }], ['Add_rm32_r32', { rm: 0, reg: 0 }]], { eax: 7, ecx: 2 }), 'flat32', 'modern'));
    expect(add.undefinedFlags).to.equal(0);
  });

  it('a program that reads a flag DIV left undefined is unspecified; SHL by CL = 0 keeps the mask', async function () {
    const adc = await runOracle(oracle, prepareCase(flatCase([['Div_rm32', { rm: 1 }], ['Adc_rm32_r32', { rm: 0, reg: 0 }]], { eax: 7, ecx: 2 }), 'flat32', 'modern'));
    expect(adc.unspecified?.kind).to.equal('reads an undefined flag');
    const shl = await runOracle(oracle, prepareCase(flatCase([['Div_rm32', { rm: 3 }], ['Shl_rm32_CL', { rm: 0 }]], { eax: 7, ebx: 2, ecx: 0x100 }), 'flat32', 'modern'));
    expect(shl.undefinedFlags, 'CL = 0: no flag written').to.equal(FLAGS_STATUS);
  });

  it('an instruction ended by the single-step trap has retired: its undefined flags count', async function () {
    // PUSH 0x102; POPFD sets TF; DIV ECX runs, then #DB (a trap) stops the run after it.
    const c = flatCase([['Pushd_imm32', { imm: 0x102 }], ['Popfd', {}], ['Div_rm32', { rm: 1 }]], { eax: 7, ecx: 2 });
    const run = await runOracle(oracle, prepareCase(c, 'flat32', 'modern'));
    expect(run.stop).to.deep.include({ kind: 'exception', vector: 1 });
    expect(run.final.regs.eax, 'the DIV retired').to.equal(3);
    expect(run.undefinedFlags).to.equal(FLAGS_STATUS);
  });

  it('a fault retires nothing: #DE leaves the mask as it was', async function () {
    const run = await runOracle(oracle, prepareCase(flatCase([['And_rm32_r32', { rm: 0, reg: 0 }], ['Div_rm32', { rm: 1 }]], { eax: 7, ecx: 0 }), 'flat32', 'modern'));
    expect(run.stop).to.deep.include({ kind: 'exception', vector: 0 });
    expect(run.undefinedFlags).to.equal(FLAG_AF);
  });
});

describe('differential: the comparator applies the mask and nothing else', function () {
  it('a difference only in masked EFLAGS bits is no difference; one outside them is', function () {
    const masked = FLAG_AF | FLAG_OF;
    expect(compareStates(state(0x2 | FLAG_AF), state(0x2 | FLAG_OF), masked)).to.deep.equal([]);
    expect(compareStates(state(0x2 | FLAG_ZF), state(0x2), masked).map((d) => d.field)).to.deep.equal(['eflags']);
    expect(compareStates(state(0x2 | FLAG_SF | FLAG_AF), state(0x2 | FLAG_PF), masked).map((d) => d.field)).to.deep.equal(['eflags']);
    expect(compareStates(state(0x2, 1), state(0x2, 2), FLAGS_STATUS).map((d) => d.field), 'registers are never masked').to.deep.equal(['eax']);
  });

  it('compares the stop (vector; an error code only when both report one) and every region byte', function () {
    const regions = COMPARED_REGIONS.map((r) => new Uint8Array(r.size));
    const base: Observation = { stop: { kind: 'exception', vector: 13, errorCode: 0x10 }, final: state(0x2), regions };
    const noCode: Observation = { ...base, stop: { kind: 'exception', vector: 13 } };
    expect(compareObservations(base, noCode, 0)).to.deep.equal([]);
    expect(compareObservations(base, { ...base, stop: { kind: 'exception', vector: 13, errorCode: 0 } }, 0).map((d) => d.field)).to.deep.equal(['stop']);
    expect(compareObservations(base, { ...base, stop: { kind: 'halt' } }, 0).map((d) => d.field)).to.deep.equal(['stop']);
    const poked = COMPARED_REGIONS.map((r) => new Uint8Array(r.size));
    poked[1]![5] = 0xaa;
    expect(compareObservations(base, { ...base, regions: poked }, 0).map((d) => d.field)).to.deep.equal([`[0x${(COMPARED_REGIONS[1]!.base + 5).toString(16)}]`]);
  });
});

describe('differential: the form pool and the generator', function () {
  it('leaves out HLT, privileged, I/O, segment loads and far transfers, each with a reason; keeps the ALU', function () {
    const ids = new Set(eligibleForms('flat32', 'modern').map((f) => f.id));
    const reasons = new Map(excludedForms('flat32', 'modern').map((e) => [e.id, e.reason]));
    for (const id of ['Hlt', 'Lgdt_m1632', 'Out_DX_AL', 'Mov_Sreg_rm16', 'Lds_r16_m1616', 'Retnw', 'Int_imm8', 'Bswap_r16', 'Pushd_DS']) {
      expect(ids.has(id), id).to.equal(false);
      expect(reasons.get(id), id).to.be.a('string').and.not.equal('');
    }
    for (const id of ['Add_rm16_r16', 'Xchg_rm8_r8', 'Shl_rm32_CL', 'Div_rm8', 'Jne_rel8_32', 'Movsb_m8_m8', 'Bound_r16_m1616', 'Popfw', 'Cmpxchg8b_m64']) expect(ids.has(id), id).to.equal(true);
  });

  it('the same seed gives the same programs', function () {
    const arb = caseArbitrary(eligibleForms('real', 'modern'), 'real', 8);
    const bytes = (cases: DifferentialCase[]): string[] => cases.map((c) => Buffer.from(prepareCase(c, 'real', 'modern').program.bytes).toString('hex'));
    expect(bytes(fc.sample(arb, { seed: 42, numRuns: 30 }))).to.deep.equal(bytes(fc.sample(arb, { seed: 42, numRuns: 30 })));
  });

  for (const mode of ['real', 'flat32'] as const) {
    it(`${mode}: a generated program changes memory only in the data window and the stack region`, async function () {
      const subject = createReferenceSubject();
      await resetForCases(subject, 'modern');
      const arb = caseArbitrary(eligibleForms(mode, 'modern'), mode, 8);
      for (const c of fc.sample(arb, { seed: 7, numRuns: 60 })) {
        const prepared = prepareCase(c, mode, 'modern');
        await runOracle(subject, prepared);
        const image = new Uint8Array(MEMORY_SIZE);
        for (const m of prepared.memory) image.set(m.bytes, m.address);
        image.set(prepared.program.bytes, prepared.program.lines[0]!.eip);
        const now = await subject.readMemory(0, MEMORY_SIZE);
        for (let a = 0; a < MEMORY_SIZE; a++) {
          if (COMPARED_REGIONS.some((r) => a >= r.base && a < r.base + r.size)) continue;
          if (now[a] !== image[a]) {
            const items = c.items.filter((i): i is Item => i !== null).map((i) => i.form.id).join(', ');
            expect.fail(`${mode}: byte 0x${a.toString(16)} changed outside the compared regions (program: ${items})`);
          }
        }
      }
    });
  }
});
