// LOOP (E2), LOOPE (E1), LOOPNE (E0), JCXZ/JECXZ (E3): the 16 forms, counter CX or ECX by
// address size, target truncation by operand size.
//
// Checked: each form run with its prefixes in 16-bit (real mode) or 32-bit (flat protected) code;
// the counter decrements before the test, CX forms leave ECX[31:16] alone, 0 wraps to 0xFFFF /
// 0xFFFFFFFF and branches; LOOPE/LOOPNE over count x ZF; JCXZ/JECXZ test only their register and
// change nothing; a taken LOOP beyond the CS limit raises #GP(0) with the counter unchanged;
// the 286 has no 67 prefix (#UD).
// Oracle: SDM Vol. 2A LOOP/LOOPcc and JCXZ/JECXZ pseudo-code; values computed by hand.
// Left out: flags (none are written).

import { given, type GivenState } from '../../../support/given.ts';
import { hex } from './support.ts';

const ZF = 0x40;

interface CountedForm {
  readonly id: string;
  readonly mode: 'real' | 'prot32';
  readonly prefix: readonly number[];
  readonly ecx: boolean;
}

/** The four operand/address-size variants of an opcode, each run where its prefixes make it. */
function variants(name: string): CountedForm[] {
  return [
    { id: `${name}_rel8_16_CX`, mode: 'real', prefix: [], ecx: false },
    { id: `${name}_rel8_32_CX`, mode: 'prot32', prefix: [0x67], ecx: false },
    { id: `${name}_rel8_16_ECX`, mode: 'real', prefix: [0x67], ecx: true },
    { id: `${name}_rel8_32_ECX`, mode: 'prot32', prefix: [], ecx: true },
  ];
}

/** The counter as the test sets it: CX forms carry 0xABCD in ECX[31:16], which must survive. */
const counter = (form: CountedForm, value: number): number => (form.ecx ? value : (0xabcd0000 | value) >>> 0);

/** Runs `prefix opcode +1; HLT; HLT`: returns the outcome; taken ends at next+2, not taken at next+1. */
function runOnce(form: CountedForm, opcode: number, cx: number, flags = 0x2) {
  const state: GivenState = { mode: form.mode, regs: { ecx: counter(form, cx) }, flags };
  return given(state).code([...form.prefix, opcode, 0x01, 0xf4]).run();
}

function end(form: CountedForm, taken: boolean): number {
  return 0x1000 + form.prefix.length + 2 + (taken ? 2 : 1);
}

describe('interp/control: LOOP', () => {
  for (const form of variants('Loop')) {
    const reg = form.ecx ? 'ECX' : 'CX';
    it(`${form.id} (${form.mode}, ${reg}): ${reg}=3 loops on itself three times, ends 0, falls through`, () => {
      const bytes = [...form.prefix, 0xe2, (-(form.prefix.length + 2)) & 0xff, 0xf4];
      given({ mode: form.mode, regs: { ecx: counter(form, 3) } }).code(bytes).run()
        .expectHalted().expectRegs({ ecx: counter(form, 0), eip: 0x1000 + bytes.length });
    });
    it(`${form.id}: ${reg}=1 -> 0, not taken`, () => {
      runOnce(form, 0xe2, 1).expectHalted().expectRegs({ ecx: counter(form, 0), eip: end(form, false) });
    });
    it(`${form.id}: ${reg}=0 -> ${form.ecx ? '0xFFFFFFFF' : '0xFFFF'}, taken`, () => {
      runOnce(form, 0xe2, 0).expectHalted().expectRegs({ ecx: form.ecx ? 0xffffffff : 0xabcdffff, eip: end(form, true) });
    });
  }

  it('LOOP with a 16-bit address size ignores ECX[31:16]: ECX=0x00010001 -> 0x00010000, not taken', () => {
    given({ regs: { ecx: 0x10001 } }).code([0xe2, 0x01, 0xf4]).run().expectHalted().expectRegs({ ecx: 0x10000, eip: 0x1003 });
  });

  it('67 LOOP (ECX counter) in real mode: ECX=0x00010000 -> 0x0000FFFF, taken', () => {
    given({ regs: { ecx: 0x10000 } }).code([0x67, 0xe2, 0x01, 0xf4]).run().expectHalted().expectRegs({ ecx: 0xffff, eip: 0x1005 });
  });

  it('66 LOOP (Loop_rel8_32_CX) in real mode from IP 0xFFFC: target 0x1000F is past the CS limit, #GP(0), CX stays 5', () => {
    given({ regs: { cx: 5 }, ip: 0xfffc }).code([0x66, 0xe2, 0x10]).run().expectException(13).expectRegs({ cx: 5 }).expectMem(0xffea, [0xfc, 0xff]);
  });

  it('66 67 LOOP (Loop_rel8_32_ECX) in real mode: ECX=2 -> 1, taken', () => {
    given({ regs: { ecx: 2 } }).code([0x66, 0x67, 0xe2, 0x01, 0xf4]).run().expectHalted().expectRegs({ ecx: 1, eip: 0x1006 });
  });

  it('66 LOOP (Loop_rel8_16_ECX) in 32-bit code truncates the target: 0x1FFF3 + 2 -> 0xFFF5', () => {
    given({ mode: 'prot32', ip: 0x1fff0, regs: { ecx: 2 }, mem: [[0xfff5, [0xf4]]] }).code([0x66, 0xe2, 0x02]).run().expectHalted().expectRegs({ ecx: 1, eip: 0xfff6 });
  });

  it('i286: 67 LOOP is #UD (no address-size prefix before the 386)', () => {
    given({ cpu: 'i286', regs: { cx: 2 } }).code([0x67, 0xe2, 0x01, 0xf4]).run().expectException(6).expectRegs({ cx: 2 });
  });
});

describe('interp/control: LOOPE / LOOPNE', () => {
  const cases = [
    { count: 2, zf: 1, e: true, ne: false },
    { count: 2, zf: 0, e: false, ne: true },
    { count: 1, zf: 1, e: false, ne: false },
    { count: 1, zf: 0, e: false, ne: false },
    { count: 0, zf: 1, e: true, ne: false },
  ];
  for (const [name, opcode] of [['Loope', 0xe1], ['Loopne', 0xe0]] as const) {
    for (const form of variants(name)) {
      const reg = form.ecx ? 'ECX' : 'CX';
      for (const c of cases) {
        const taken = name === 'Loope' ? c.e : c.ne;
        const after = (c.count - 1) & (form.ecx ? 0xffffffff : 0xffff);
        it(`${form.id} (${hex(opcode, 2)}, ${form.mode}): ${reg}=${c.count}, ZF=${c.zf} -> ${reg}=${hex(after)}, ${taken ? 'taken' : 'not taken'}`, () => {
          runOnce(form, opcode, c.count, c.zf ? ZF | 2 : 2).expectHalted().expectRegs({ ecx: counter(form, after >>> 0), eip: end(form, taken) }).expectFlags({ zf: c.zf as 0 | 1 });
        });
      }
    }
  }
});

describe('interp/control: JCXZ / JECXZ', () => {
  const forms = [
    { id: 'Jcxz_rel8_16', mode: 'real', prefix: [], ecx: false },
    { id: 'Jcxz_rel8_32', mode: 'prot32', prefix: [0x66, 0x67], ecx: false },
    { id: 'Jecxz_rel8_16', mode: 'prot32', prefix: [0x66], ecx: true },
    { id: 'Jecxz_rel8_32', mode: 'prot32', prefix: [], ecx: true },
  ] as const;
  for (const form of forms) {
    const reg = form.ecx ? 'ECX' : 'CX';
    const cases = [
      { ecx: 0, taken: true },
      { ecx: 1, taken: false },
      { ecx: 0x10000, taken: !form.ecx },
      { ecx: 0xffffffff, taken: false },
    ];
    for (const c of cases) {
      it(`${form.id} (${form.mode}): ECX=${hex(c.ecx, 8)} (${reg}=${hex(form.ecx ? c.ecx : c.ecx & 0xffff)}) ${c.taken ? 'taken' : 'not taken'}, ECX unchanged`, () => {
        given({ mode: form.mode, regs: { ecx: c.ecx } }).code([...form.prefix, 0xe3, 0x01, 0xf4]).run()
          .expectHalted().expectRegs({ ecx: c.ecx, eip: 0x1000 + form.prefix.length + (c.taken ? 4 : 3) });
      });
    }
  }

  it('67 JECXZ in real mode (Jecxz_rel8_16): ECX=0 taken', () => {
    given({ regs: { ecx: 0 } }).code([0x67, 0xe3, 0x01, 0xf4]).run().expectHalted().expectRegs({ eip: 0x1005 });
  });
});
