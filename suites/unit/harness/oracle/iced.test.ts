// Unit tests for harness/oracle/iced.ts, the iced-x86 side of the decoder oracle.
//
// Checked: the CPUID-feature -> generation table (each modelled feature's generation, the latest
// of several, outside-model categories for x87/MMX/SSE/AVX/64-bit and a lower-cased name for the
// rest); icedDecode's length, Code, validity and error kinds (invalid, bytes running out); the
// operand summary of registers, 16- and 32-bit memory (default segments, overrides, SIB scale,
// displacement wrap), sign-extended immediates, ENTER's two immediates, near and far branches,
// string operands; flags as XED letters (shift count 0 changes none); the per-Code metadata
// (features, requirement, OpCodeInfo's mustBeCpl0 and mayRequireCpl0, opcode strings); operand
// access from InstructionInfoFactory.
// Oracle: the SDM (instruction pages and Appendix A) for the expected decodings, typed in here.
// Left out: iced's correctness in general (it is the oracle), VEX/EVEX operand details.

import { expect } from 'chai';
import { DecoderOptions } from 'iced-x86';
import {
  COMPARABLE_FLAG_LETTERS,
  FEATURE_GENERATION,
  icedCodeInfo,
  icedDecode,
  icedFlagLetters,
  icedOperandAccess,
  icedText,
  requirementOf,
} from '../../../../harness/oracle/iced.ts';
import { formatOperands } from '../../../../harness/oracle/operands.ts';

const bytes = (hex: string): Uint8Array => Uint8Array.from(hex.split(' ').map((b) => parseInt(b, 16)));
const ops16 = (hex: string, ip = 0): string => formatOperands(icedDecode(bytes(hex), 16, { ip }).operands);
const ops32 = (hex: string, ip = 0): string => formatOperands(icedDecode(bytes(hex), 32, { ip }).operands);

describe('harness/oracle/iced: CPUID features -> generations', () => {
  it('maps each modelled feature to the generation that introduced it', () => {
    expect(requirementOf(['INTEL8086'])).to.deep.equal({ kind: 'generation', generation: 'i8086' });
    expect(requirementOf(['INTEL286'])).to.deep.equal({ kind: 'generation', generation: 'i286' });
    expect(requirementOf(['CPUID'])).to.deep.equal({ kind: 'generation', generation: 'i486' });
    expect(requirementOf(['CX8'])).to.deep.equal({ kind: 'generation', generation: 'pentium' });
    expect(requirementOf(['CMOV'])).to.deep.equal({ kind: 'generation', generation: 'p6' });
    expect(requirementOf(['PAUSE'])).to.deep.equal({ kind: 'generation', generation: 'modern' });
    expect(requirementOf(['VMX'])).to.deep.equal({ kind: 'generation', generation: 'modern' });
  });

  it('takes the latest generation of several features, and no feature as the 8086', () => {
    expect(requirementOf(['INTEL386', 'CMOV', 'INTEL186'])).to.deep.equal({ kind: 'generation', generation: 'p6' });
    expect(requirementOf([])).to.deep.equal({ kind: 'generation', generation: 'i8086' });
  });

  it('puts x87, MMX, SSE, AVX, 3DNow! and 64-bit-only features outside the model by category', () => {
    expect(requirementOf(['FPU'])).to.include({ kind: 'outside', category: 'x87' });
    expect(requirementOf(['FPU387'])).to.include({ kind: 'outside', category: 'x87' });
    expect(requirementOf(['MMX'])).to.include({ kind: 'outside', category: 'mmx' });
    expect(requirementOf(['SSE4_1'])).to.include({ kind: 'outside', category: 'sse' });
    expect(requirementOf(['AVX512VL', 'AVX512F'])).to.include({ kind: 'outside', category: 'avx' });
    expect(requirementOf(['D3NOW'])).to.include({ kind: 'outside', category: '3dnow' });
    expect(requirementOf(['X64'])).to.include({ kind: 'outside', category: 'x64' });
  });

  it('names any other outside feature by itself, even next to a modelled one', () => {
    expect(requirementOf(['BMI1'])).to.deep.equal({ kind: 'outside', category: 'bmi1', feature: 'BMI1' });
    expect(requirementOf(['INTEL386', 'RTM'])).to.deep.equal({ kind: 'outside', category: 'rtm', feature: 'RTM' });
  });

  it('has a generation for every entry of its table that iced knows', () => {
    for (const feature of Object.keys(FEATURE_GENERATION)) expect(requirementOf([feature]).kind, feature).to.equal('generation');
  });
});

describe('harness/oracle/iced: icedDecode', () => {
  it('01 C0 (32-bit) is Add_rm32_r32, 2 bytes, operands eax, eax', () => {
    const d = icedDecode(bytes('01 c0 00 00'), 32);
    expect(d).to.include({ valid: true, error: 'none', length: 2, code: 'Add_rm32_r32', lock: false, rep: 0 });
    expect(formatOperands(d.operands)).to.equal('eax, eax');
    expect(d.info.requirement).to.deep.equal({ kind: 'generation', generation: 'i386' });
  });

  it('F0 90 is invalid (LOCK on NOP) and a lone 0F FF runs out of bytes', () => {
    expect(icedDecode(bytes('f0 90'), 32)).to.include({ valid: false, error: 'invalid', code: 'INVALID' });
    expect(icedDecode(bytes('0f ff'), 32)).to.include({ valid: false, error: 'no-more-bytes' });
  });

  it('NoInvalidCheck lets LOCK through (known-difference matchers rely on it)', () => {
    expect(icedDecode(bytes('f0 40'), 16, { decoderOptions: DecoderOptions.NoInvalidCheck })).to.include({ valid: true, code: 'Inc_r16', lock: true });
  });

  it('16-bit memory: [bp+disp8] defaults to SS, disp8 -10h wraps to 0FFF0h; [disp16] is DS', () => {
    expect(ops16('8b 46 f0')).to.equal('ax, ss:[bp+0xfff0]');
    expect(ops16('8b 06 34 12')).to.equal('ax, ds:[0x1234]');
    expect(ops16('26 8b 00')).to.equal('ax, es:[bx+si*1]');
  });

  it('32-bit memory: [esp+disp8] is SS, SIB scale kept, [disp32] without base', () => {
    expect(ops32('8b 44 24 f0')).to.equal('eax, ss:[esp+0xfffffff0]');
    expect(ops32('8b 04 8b')).to.equal('eax, ds:[ebx+ecx*4]');
    expect(ops32('8b 05 78 56 34 12')).to.equal('eax, ds:[0x12345678]');
    expect(ops32('67 a1 00 80')).to.equal('eax, ds:[0x8000]');
  });

  it('immediates: 83 /0 ib sign-extends to the operand size, ENTER has two, D1 has the constant 1', () => {
    expect(ops32('83 c0 ff')).to.equal('eax, 0xffffffff/32');
    expect(ops16('83 c0 80')).to.equal('ax, 0xff80/16');
    expect(ops32('c8 10 00 05')).to.equal('0x10/16, 0x5/8');
    expect(ops32('d1 e0')).to.equal('eax, 0x1/8');
  });

  it('branches: EB FE at 0FFF0h in 16-bit code targets 0FFF0h; EB 10 wraps to 2; far pointers split', () => {
    expect(ops16('eb fe', 0xfff0)).to.equal('->0xfff0');
    expect(ops16('eb 10', 0xfff0)).to.equal('->0x2');
    expect(ops32('66 e9 00 80', 0x10000)).to.equal('->0x8004');
    expect(ops32('ea 01 02 03 04 05 06')).to.equal('0x605:0x4030201');
  });

  it('string operands: MOVSB is es:[edi], ds:[esi]; a segment override moves only the source', () => {
    expect(ops32('a4')).to.equal('es:[edi], ds:[esi]');
    expect(ops32('26 a4')).to.equal('es:[edi], es:[esi]');
    expect(ops32('67 a6')).to.equal('ds:[si], es:[di]');
  });

  it('flags as XED letters: ADD writes oszapc; SHL by a count of 0 changes none; BSF leaves all but ZF undefined', () => {
    expect(icedDecode(bytes('01 c0'), 32).flags).to.deep.equal({ read: '', written: 'oszapc', undefined: '' });
    expect(icedDecode(bytes('c1 e0 00'), 32).flags).to.deep.equal({ read: '', written: '', undefined: '' });
    expect(icedDecode(bytes('0f bc c0'), 32).flags).to.deep.equal({ read: '', written: 'z', undefined: 'osapc' });
    expect(icedFlagLetters(0x1ff)).to.equal(COMPARABLE_FLAG_LETTERS);
  });

  it('per-Code metadata: HLT must be CPL 0, RDTSC may need it, CPUID is a 486 feature', () => {
    expect(icedCodeInfo('Hlt')).to.include({ cpl0Only: true, mayRequireCpl0: false, opCodeString: 'F4', table: 'legacy', opcodeByte: 0xf4 });
    expect(icedCodeInfo('Rdtsc')).to.include({ cpl0Only: false, mayRequireCpl0: true, table: '0F', opcodeByte: 0x31 });
    expect(icedCodeInfo('Cpuid').requirement).to.deep.equal({ kind: 'generation', generation: 'i486' });
    expect(icedCodeInfo('Vmrund')).to.include({ opcode: 0x1d8, opcodeByte: 0x01 });
    expect(icedCodeInfo('Hlt')).to.equal(icedCodeInfo('Hlt'));
    expect(() => icedCodeInfo('No_such_code')).to.throw("iced-x86 has no Code named 'No_such_code'");
  });

  it('text and operand access for reports', () => {
    expect(icedText(bytes('01 c0'), 32)).to.equal('add eax,eax');
    expect(icedText(bytes('f0 90'), 32)).to.equal('(bad)');
    expect(icedOperandAccess(bytes('01 c0'), 32)).to.deep.equal(['readwrite', 'read']);
  });
});
