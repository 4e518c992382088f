// Unit tests for harness/oracle/operands.ts, the decoder-neutral operand summary.
//
// Checked: xvc's operand summary read from the form notation and the decoded fields (registers by
// size letter, Sreg, `+r` registers, memory with 16- and 32-bit addressing and default segments,
// moffs, sign-extended and plain immediates, ENTER's second immediate, near/far branches, string
// operands, the constant 1, an unknown notation); compareOperands' field classification (count,
// kind, reg, segment, base, index, scale only with an index, displacement, immediate masked to
// iced's width, target, far pointer, unknown notation); formatting.
// Oracle: the SDM (Vol. 2A, Tables 2-1 to 2-3; Appendix A notation), typed in here.
// Left out: iced's side (iced.test.ts).

import { expect } from 'chai';
import { cpuModel, decodeBytes, formById, type FormRecord } from '../../../../reference-emulator/index.ts';
import { compareOperands, formatOperand, formatOperands, maskBits, ourOperands, type OperandSummary } from '../../../../harness/oracle/operands.ts';

const MODERN = cpuModel('modern');
const ours = (hex: string, code32: boolean, eip = 0): string => {
  const insn = decodeBytes(hex.split(' ').map((b) => parseInt(b, 16)), { code32, model: MODERN }, eip);
  return formatOperands(ourOperands(insn));
};
const reg = (r: string): OperandSummary => ({ kind: 'reg', reg: r });
const mem = (over: Partial<Extract<OperandSummary, { kind: 'mem' }>> = {}): OperandSummary => ({
  kind: 'mem', seg: 'DS', base: 'EBX', index: '', scale: 1, disp: 0, addressBits: 32, ...over,
});

describe('harness/oracle/operands: xvc operand summary', () => {
  it('registers by size letter: 00 D1 is cl, dl; 66 01 D1 is cx, dx; 01 D1 is ecx, edx', () => {
    expect(ours('00 d1', true)).to.equal('cl, dl');
    expect(ours('66 01 d1', true)).to.equal('cx, dx');
    expect(ours('01 d1', true)).to.equal('ecx, edx');
    expect(ours('00 e4', true)).to.equal('ah, ah');
  });

  it('memory: 16-bit [bp+si-1] is SS with disp 0FFFFh; 32-bit [esp] is SS; a prefix overrides', () => {
    expect(ours('8b 42 ff', false)).to.equal('ax, ss:[bp+si*1+0xffff]');
    expect(ours('8b 04 24', true)).to.equal('eax, ss:[esp]');
    expect(ours('64 8b 04 24', true)).to.equal('eax, fs:[esp]');
    expect(ours('8b 04 8d 10 00 00 00', true)).to.equal('eax, ds:[ecx*4+0x10]');
  });

  it('moffs, +r registers, Sreg and the constant 1', () => {
    expect(ours('a1 78 56 34 12', true)).to.equal('eax, ds:[0x12345678]');
    expect(ours('b7 12', true)).to.equal('bh, 0x12/8');
    expect(ours('8c d8', false)).to.equal('ax, ds');
    expect(ours('d1 e0', true)).to.equal('eax, 0x1/8');
  });

  it('immediates: 6A FF is 0FFFFh in 16-bit code, ENTER keeps both, 69 takes a full imm32', () => {
    expect(ours('6a ff', false)).to.equal('0xffff/16');
    expect(ours('c8 10 00 05', true)).to.equal('0x10/16, 0x5/8');
    expect(ours('69 c0 78 56 34 12', true)).to.equal('eax, eax, 0x12345678/32');
  });

  it('branches: EB FE at 0FFF0h targets itself; 66 E9 truncates to 16 bits; EA splits selector and offset', () => {
    expect(ours('eb fe', false, 0xfff0)).to.equal('->0xfff0');
    expect(ours('66 e9 00 80', true, 0x10000)).to.equal('->0x8004');
    expect(ours('ea 01 02 03 04 05 06', true)).to.equal('0x605:0x4030201');
  });

  it('string operands: X is the overridable segment with (E)SI, Y is always ES with (E)DI', () => {
    expect(ours('26 a4', true)).to.equal('es:[edi], es:[esi]');
    expect(ours('67 a6', true)).to.equal('ds:[si], es:[di]');
  });

  it('an operand notation it does not know becomes an unknown operand', () => {
    const insn = decodeBytes([0x01, 0xc0], { code32: true, model: MODERN });
    const form: FormRecord = { ...formById('Add_rm32_r32'), operands: ['Qq'] };
    expect(ourOperands(insn, form)).to.deep.equal([{ kind: 'unknown', notation: 'Qq' }]);
  });
});

describe('harness/oracle/operands: compareOperands', () => {
  it('equal lists give no difference', () => {
    expect(compareOperands([reg('EAX'), mem()], [reg('EAX'), mem()])).to.deep.equal([]);
  });

  it('a different count is one `count` difference', () => {
    expect(compareOperands([], [mem()])).to.deep.equal([{ field: 'count', index: -1, ours: '(none)', iced: 'ds:[ebx]' }]);
  });

  it('classifies kind, reg, segment, base, index, displacement', () => {
    expect(compareOperands([reg('EAX')], [mem()])[0]?.field).to.equal('kind');
    expect(compareOperands([reg('EAX')], [reg('AX')])[0]?.field).to.equal('reg');
    const fields = compareOperands([mem({ seg: 'SS', base: 'EBP', index: 'ESI', disp: 1 })], [mem()]).map((d) => d.field);
    expect(fields).to.deep.equal(['segment', 'mem-base', 'mem-index', 'mem-disp']);
  });

  it('compares the scale only when both have an index (SIB index 100b has none)', () => {
    expect(compareOperands([mem({ scale: 4 })], [mem({ scale: 1 })])).to.deep.equal([]);
    expect(compareOperands([mem({ index: 'ECX', scale: 4 })], [mem({ index: 'ECX', scale: 2 })])[0]?.field).to.equal('mem-scale');
  });

  it('masks our immediate to iced\'s width, and tells targets, far pointers and unknown notations apart', () => {
    expect(compareOperands([{ kind: 'imm', bits: 16, value: 0xffff }], [{ kind: 'imm', bits: 16, value: 0xffff }])).to.deep.equal([]);
    expect(compareOperands([{ kind: 'imm', bits: 8, value: 0x1ff }], [{ kind: 'imm', bits: 8, value: 0xff }])).to.deep.equal([]);
    expect(compareOperands([{ kind: 'imm', bits: 8, value: 1 }], [{ kind: 'imm', bits: 8, value: 2 }])[0]?.field).to.equal('imm');
    expect(compareOperands([{ kind: 'branch', target: 1 }], [{ kind: 'branch', target: 2 }])[0]?.field).to.equal('target');
    expect(compareOperands([{ kind: 'far', selector: 1, offset: 2 }], [{ kind: 'far', selector: 1, offset: 3 }])[0]?.field).to.equal('far');
    expect(compareOperands([{ kind: 'unknown', notation: 'Qq' }], [reg('MM0')])[0]?.field).to.equal('notation');
  });

  it('formats operands for one-line reports', () => {
    expect(formatOperand(mem({ index: 'ECX', scale: 4, disp: 0x10 }))).to.equal('ds:[ebx+ecx*4+0x10]');
    expect(formatOperand(mem({ base: '', disp: 0 }))).to.equal('ds:[0x0]');
    expect(maskBits(-1, 16)).to.equal(0xffff);
    expect(maskBits(-1, 32)).to.equal(0xffffffff);
  });
});
