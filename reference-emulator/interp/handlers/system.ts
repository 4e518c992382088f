import type { Handler } from '../../decoder/insn.ts';
import type { systemForms } from '../../isa/forms/system.ts';
import { CpuFault } from '../fault.ts';
type SystemId = (typeof systemForms)[number]['id'];
export const systemHandlers = {
  Hlt: (m) => { if (m.cpu.cpl !== 0) throw new CpuFault(13, 0); m.cpu.halted = true; m.stop = 1; },
} satisfies Record<SystemId, Handler>;
