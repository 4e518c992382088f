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

/**
 * Forms whose handlers never read or write EIP (nothing in the ALU, shift/bit and data groups
 * does: no pushes of a return address, no REP restarts, no interrupts). For those that fall
 * through, the executor keeps EIP implicit and stores it only when a block is left or an
 * instruction faults, saving a store per instruction.
 */
export const EIP_NEUTRAL: ReadonlySet<string> = new Set([...Object.keys(arithHandlers), ...Object.keys(shiftBitHandlers), ...Object.keys(dataHandlers)]);
