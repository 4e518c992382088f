/**
 * Seeded bugs in the decoder, as wrappers around the decoder the reference subject exposes to
 * decoder suites: each edits the decoded instruction the way a plausible decoder bug would.
 * - ADD Ev,Gv (01) one byte too long (a ModRM length table off by one);
 * - an 8-bit displacement read unsigned-negated (disp8 sign extension wrong);
 * - ADC r/m8,r8 (10 /r) decoded as SBB (a wrong entry in the opcode table);
 * - the CPU model's `since` ignored (a 286 that decodes 386 instructions).
 */

import { cpuModel, FORMS, formIndex, type FormRecord, type Insn } from '../../../reference-emulator/index.ts';
import type { Mutant } from '../../../harness/suite/model.ts';

type DecodeBytes = NonNullable<Mutant['decoderMutation']> extends (base: infer D) => unknown ? D : never;

/** Wraps a decoder; `change` edits each decoded instruction (a fresh object each call). */
const editing = (change: (insn: Insn) => void) => (base: DecodeBytes): DecodeBytes => (bytes, ctx, eip) => {
  const insn = base(bytes, ctx, eip);
  change(insn);
  return insn;
};
const primary = (insn: Insn): boolean => (FORMS[insn.form] as FormRecord).map === 'primary';
const ADC_RM8_R8 = formIndex('Adc_rm8_r8');
const SBB_RM8_R8 = formIndex('Sbb_rm8_r8');

export const mutants: readonly Mutant[] = [
  {
    name: 'decoder-length-01-plus-one',
    description: 'ADD Ev,Gv (opcode 01) decodes one byte too long',
    decoderMutation: editing((i) => void (primary(i) && i.opcode === 0x01 && (i.length += 1))),
  },
  {
    name: 'decoder-disp8-sign-flipped',
    description: 'a negative 8-bit displacement comes out positive',
    decoderMutation: editing((i) => void (i.isMem && i.disp >= -128 && i.disp < 0 && (i.disp = -i.disp))),
  },
  {
    name: 'decoder-adc-as-sbb',
    description: 'ADC r/m8,r8 (10 /r) is decoded as SBB r/m8,r8',
    decoderMutation: editing((i) => void (i.form === ADC_RM8_R8 && (i.form = SBB_RM8_R8))),
  },
  {
    name: 'decoder-ignores-since',
    description: "the CPU model's generation is ignored: every model decodes like modern",
    decoderMutation: (base) => (bytes, ctx, eip) => base(bytes, { ...ctx, model: cpuModel('modern') }, eip),
  },
];
