/**
 * Table checks of the data group's records (isa/forms/data.ts), independent of execution.
 *
 * Checks: the table check of suites/support/table-check.ts on every record: its canonical
 * encodings (mandatory prefix, opcode map, opcode, +r, ModRM /digit, operand and address size,
 * immediates and offsets; in 16- and 32-bit code, register and memory operands) decode back to
 * itself with xvc's decoder on the modern model, and iced-x86 decodes the same bytes to the
 * `Code` of the same name and length; every record has a handler; and every model older than its
 * `since` decodes its bytes to INVALID (#UD), PAUSE aside (it is REP NOP there).
 * Oracle: iced-x86 (an independent decoder) for the ids; the records' own `since` for the
 * generation check.
 * Leaves out: operand fields beyond the form (the decoder suite covers them); iced's mnemonic,
 * flags and CPUID features, which the records do not follow: iced names the reserved NOPs
 * 0F 18-1F `Reservednop`, gives PUSHF/POPF no TF, and lists features (PAUSE, SSE, CMOV, CPUID
 * ...) rather than a generation.
 */

import { type FormRecord } from '../../../../reference-emulator/index.ts';
import { dataForms } from '../../../../reference-emulator/index.ts';
import { checkFormRecords } from '../../../support/table-check.ts';

describe('isa/forms/data: records against their encodings', () => {
  checkFormRecords(dataForms as readonly FormRecord[], {
    olderModelsDecodeOtherForm: { Pause: 'F3 90 is REP NOP, a NOP, on models before PAUSE' },
  });
});
