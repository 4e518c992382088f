/**
 * The handler map: one handler per table form, checked by the compiler to be complete
 * (`satisfies Record<InstrId, Handler>`), so a form without semantics does not build.
 */

import type { Handler } from '../../decoder/insn.ts';
import type { InstrId } from '../../isa/table.ts';
import { invalidHandlers } from './invalid.ts';
import { arithHandlers } from './arith.ts';
import { shiftBitHandlers } from './shift-bit.ts';
import { controlHandlers } from './control.ts';
import { dataHandlers } from './data.ts';
import { stringIoHandlers } from './string-io.ts';
import { systemHandlers } from './system.ts';

export const HANDLERS = {
  ...invalidHandlers,
  ...arithHandlers,
  ...shiftBitHandlers,
  ...controlHandlers,
  ...dataHandlers,
  ...stringIoHandlers,
  ...systemHandlers,
} satisfies Record<InstrId, Handler>;
