/**
 * Puts a whole ArchState into QEMU, descriptor caches, GDTR, IDTR, LDTR and TR included, though
 * its gdbstub writes only general registers, EIP, EFLAGS, selectors and control registers.
 *
 * What the stub does with a selector write (QEMU 7.2 target/i386/gdbstub.c,
 * x86_cpu_gdb_load_seg): nothing when the selector equals the current one; in real or
 * virtual-8086 mode base = selector * 16, limit 0xFFFF and data attributes (DPL 3 under VM);
 * in protected mode it reads the descriptor from the GDT or LDT (cpu_x86_get_descr_debug, with
 * no checks and without setting the accessed bit) and loads the cache from it, or silently keeps
 * the old one when the selector lies beyond the table's limit. Loading SS sets QEMU's CPL to
 * its DPL.
 *
 * So the loader:
 * 1. executes, when the tables differ, LGDT and LIDT (and LLDT, LTR) injected into a scratch
 *    area and single-stepped in real mode (SDM Vol. 3A, 9.9.1 switching modes; LGDT/LIDT with a
 *    32-bit operand size load a 32-bit base, Vol. 2A LGDT); when they do not, a NOP there. Either
 *    runs with EFLAGS = 0x2, which resets QEMU's lazy flags (see below);
 * 2. writes, for each segment, a temporary descriptor built from the requested cache into the
 *    target's GDT (or LDT) slot of its selector, loads the selector with CR0.PE set and paging
 *    off, and puts the table's bytes back; a real-mode state is loaded the same way and PE is
 *    cleared afterwards, which keeps the caches as a return from protected mode does (SDM
 *    Vol. 3A, 9.9.2), so real-mode CS keeps its code attributes and unreal limits survive;
 * 3. writes control registers last (paging on only once every cache is in), then EFLAGS, the
 *    general registers and EIP;
 * 4. reads everything back through `info registers` and fails on any difference, because a
 *    write QEMU ignores returns OK all the same.
 * The scratch area's bytes are put back afterwards, so guest memory ends as it was.
 *
 * Why step 1 always runs an instruction: TCG keeps the arithmetic flags lazily (CC_OP, CC_SRC,
 * CC_DST) and DF as env->df. Entering the CPU loop rebuilds them from env->eflags
 * (x86_cpu_exec_enter: CC_SRC = EFLAGS & status flags, CC_OP = CC_OP_EFLAGS, df from DF); leaving
 * it folds them back in. The stub's EFLAGS write sets env->eflags alone, and `info registers`
 * shows cpu_compute_eflags = env->eflags | flags computed from CC_OP/CC_SRC | DF from env->df,
 * so after a write the status flags and DF the CPU last ran with are ORed in (0x402 read as 0x482
 * after a run that left SF set). What executes next is right (the loop rebuilds from
 * env->eflags), but the state reads wrong. One flag-neutral instruction stepped with EFLAGS = 0x2
 * leaves CC_OP_EFLAGS, CC_SRC = 0 and df = +1, which OR in nothing; no instruction runs after it,
 * so every later EFLAGS write, the requested one last, reads back as written.
 *
 * Known limits: a null TR (or a null LDTR with the reset cache) only exists after RESET, so a
 * state asking for one while QEMU holds another first resets the CPU (RAM kept); a requested TR
 * cache must be a busy TSS (LTR marks it busy); a selector beyond its table's limit cannot be
 * loaded in protected mode (real mode falls back to the stub's real-mode load when that gives
 * the requested cache).
 */

import { CR0_ET, CR0_PE, CR0_PG, REG32_NAMES, SEG_NAMES } from '../../../reference-emulator/index.ts';
import type { ArchState, SegmentState, TableRegister } from '../../adapter.ts';
import { SubjectError } from '../../suite/run-instance.ts';
import { segmentDescriptor } from '../../state/initial-state.ts';
import type { QemuMachine } from './machine.ts';
import type { MonitorRegisters } from './monitor.ts';

export const EFLAGS_VM = 1 << 17;
/** EFLAGS bit 1 reads as 1 (SDM Vol. 1, 3.4.3). */
const EFLAGS_FIXED = 0x2;

export type SegName = 'es' | 'cs' | 'ss' | 'ds' | 'fs' | 'gs';
/** CS and SS go last: SS sets QEMU's CPL, CS the code size. */
const LOAD_ORDER: readonly SegName[] = ['es', 'ds', 'fs', 'gs', 'ss', 'cs'];

/** Offsets in the scratch area. The code runs as 16-bit real-mode code with CS = base / 16. */
export const SCRATCH_CODE = 0x00;
const SCRATCH_GDTR = 0x80;
const SCRATCH_IDTR = 0x88;
const SCRATCH_LDT_SELECTOR = 0x90;
const SCRATCH_TR_SELECTOR = 0x92;
/** Bytes of the scratch area this loader uses (and restores). */
export const LOADER_SCRATCH_SIZE = 0x100;

/** Each injected instruction, its offset and length: 16-bit code, operands addressed CS:disp16. */
const INSN_LGDT = { offset: 0, bytes: [0x66, 0x2e, 0x0f, 0x01, 0x16, SCRATCH_GDTR, 0x00] };
const INSN_LIDT = { offset: 7, bytes: [0x66, 0x2e, 0x0f, 0x01, 0x1e, SCRATCH_IDTR, 0x00] };
const INSN_LLDT = { offset: 14, bytes: [0x2e, 0x0f, 0x00, 0x16, SCRATCH_LDT_SELECTOR, 0x00] };
const INSN_LTR = { offset: 20, bytes: [0x2e, 0x0f, 0x00, 0x1e, SCRATCH_TR_SELECTOR, 0x00] };
/** Stepped (with EFLAGS = 0x2) when the tables need no LGDT/LIDT, only to reset QEMU's lazy flags. */
const INSN_NOP = { offset: 26, bytes: [0x90] };

/** TSS descriptor type bit 1 is "busy" (SDM Vol. 3A, 7.2.2); LTR wants it clear and sets it. */
const TSS_BUSY = 0x2;
/** Offset of a selector's descriptor in its table: the index times 8 (the selector without TI and RPL). */
const descriptorOffset = (selector: number): number => selector & 0xfff8;
const isNullSelector = (selector: number): boolean => (selector & 0xfffc) === 0;

export function sameSegment(a: SegmentState, b: SegmentState): boolean {
  return a.sel === b.sel && a.base >>> 0 === b.base >>> 0 && a.limit >>> 0 === b.limit >>> 0 && a.attr === b.attr;
}

export function sameTable(a: TableRegister, b: TableRegister): boolean {
  return a.base >>> 0 === b.base >>> 0 && a.limit === b.limit;
}

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;
const describeSegment = (s: SegmentState): string => `${hex(s.sel)}/${hex(s.base)}/${hex(s.limit)}/${hex(s.attr)}`;

/** Only a reset gives a null TR, and the reset LDTR cache; LLDT 0 gives base 0, limit 0 and keeps the attributes. */
function needsCpuReset(current: MonitorRegisters, target: ArchState): boolean {
  if (isNullSelector(target.tr.sel) && !sameSegment(current.tr, target.tr)) return true;
  const lldtNullGives: SegmentState = { sel: target.ldtr.sel, base: 0, limit: 0, attr: current.ldtr.attr };
  return isNullSelector(target.ldtr.sel) && !sameSegment(current.ldtr, target.ldtr) && !sameSegment(lldtNullGives, target.ldtr);
}

interface TemporaryDescriptor {
  address: number;
  bytes: Uint8Array;
}

/** Descriptors closer together than this are read, patched and restored as one block (one packet each way). */
const DESCRIPTOR_BLOCK_BYTES = 2048;

/** Writes descriptors over guest memory (physical: paging is off while they are in use), runs `use`, restores the bytes. */
async function withTemporaryDescriptors(machine: QemuMachine, descriptors: TemporaryDescriptor[], use: () => Promise<void>): Promise<void> {
  if (descriptors.length === 0) return use();
  const start = Math.min(...descriptors.map((d) => d.address));
  const end = Math.max(...descriptors.map((d) => d.address + 8));
  const blocks: TemporaryDescriptor[] = [];
  if (end - start <= DESCRIPTOR_BLOCK_BYTES) {
    const block = (await machine.readPhysical(start, end - start)).slice();
    blocks.push({ address: start, bytes: block });
  } else {
    for (const d of descriptors) blocks.push({ address: d.address, bytes: (await machine.readPhysical(d.address, 8)).slice() });
  }
  const originals = blocks.map((b) => ({ address: b.address, bytes: b.bytes.slice() }));
  for (const d of descriptors) {
    const block = blocks.find((b) => d.address >= b.address && d.address + 8 <= b.address + b.bytes.length)!;
    block.bytes.set(d.bytes, d.address - block.address);
  }
  try {
    for (const b of blocks) await machine.writePhysical(b.address, b.bytes);
    await use();
  } finally {
    for (const o of originals) await machine.writePhysical(o.address, o.bytes);
  }
}

function tableFor(selector: number, target: ArchState): TableRegister {
  return selector & 0x4 ? { base: target.ldtr.base, limit: target.ldtr.limit } : target.gdtr;
}

function fitsTable(selector: number, table: TableRegister): boolean {
  return descriptorOffset(selector) + 7 <= table.limit;
}

/**
 * Single-steps injected instructions that sit back to back, then checks that EIP is past the last
 * (a fault would have sent it through the IDT instead).
 */
async function stepInjected(machine: QemuMachine, insns: ReadonlyArray<{ offset: number; bytes: number[] }>, names: string): Promise<void> {
  await machine.setRegister('eip', SCRATCH_CODE + insns[0]!.offset);
  for (let i = 0; i < insns.length; i++) {
    const outcome = await machine.step();
    if (outcome.kind !== 'stepped') throw new SubjectError('protocol', `qemu setState: injected ${names} did not complete (${outcome.kind})`);
  }
  const last = insns[insns.length - 1]!;
  const eip = await machine.readRegister('eip');
  const expected = SCRATCH_CODE + last.offset + last.bytes.length;
  if (eip !== expected) throw new SubjectError('protocol', `qemu setState: injected ${names} faulted (EIP ${hex(eip)} instead of ${hex(expected)})`);
}

function pseudoDescriptor(table: TableRegister): number[] {
  const b = Buffer.alloc(6);
  b.writeUInt16LE(table.limit & 0xffff, 0);
  b.writeUInt32LE(table.base >>> 0, 2);
  return [...b];
}

/** Differences between what was asked for and what QEMU holds, one phrase each. */
export function stateDifferences(target: ArchState, actual: MonitorRegisters): string[] {
  const out: string[] = [];
  for (const r of REG32_NAMES) if (target.regs[r] >>> 0 !== actual[r]) out.push(`${r} ${hex(target.regs[r])} reads ${hex(actual[r])}`);
  if (target.eip >>> 0 !== actual.eip) out.push(`eip ${hex(target.eip)} reads ${hex(actual.eip)}`);
  if (target.eflags >>> 0 !== actual.eflags) out.push(`eflags ${hex(target.eflags)} reads ${hex(actual.eflags)}`);
  for (const s of SEG_NAMES) {
    if (!sameSegment(target.segs[s], actual.segs[s])) out.push(`${s} ${describeSegment(target.segs[s])} reads ${describeSegment(actual.segs[s])}`);
  }
  if (!sameSegment(target.ldtr, actual.ldtr)) out.push(`ldtr ${describeSegment(target.ldtr)} reads ${describeSegment(actual.ldtr)}`);
  // QEMU's LTR caches the descriptor as read, before it marks it busy in memory (helper_ltr), so
  // a TR loaded by LTR reads as an available TSS; that is QEMU's state, declared as a quirk.
  const trAsQemuLoadsIt = { ...target.tr, attr: target.tr.attr & ~TSS_BUSY };
  if (!sameSegment(target.tr, actual.tr) && !sameSegment(trAsQemuLoadsIt, actual.tr)) out.push(`tr ${describeSegment(target.tr)} reads ${describeSegment(actual.tr)}`);
  if (!sameTable(target.gdtr, actual.gdtr)) out.push(`gdtr ${hex(target.gdtr.base)}/${hex(target.gdtr.limit)} reads ${hex(actual.gdtr.base)}/${hex(actual.gdtr.limit)}`);
  if (!sameTable(target.idtr, actual.idtr)) out.push(`idtr ${hex(target.idtr.base)}/${hex(target.idtr.limit)} reads ${hex(actual.idtr.base)}/${hex(actual.idtr.limit)}`);
  // QEMU hardwires CR0.ET to 1, as the 486 and later do (SDM Vol. 3A, 2.5): a request without it reads back with it.
  if ((target.cr0 | CR0_ET) >>> 0 !== actual.cr0) out.push(`cr0 ${hex(target.cr0)} reads ${hex(actual.cr0)}`);
  for (const c of ['cr2', 'cr3', 'cr4', 'efer'] as const) if (target[c] >>> 0 !== actual[c]) out.push(`${c} ${hex(target[c])} reads ${hex(actual[c])}`);
  return out;
}

/**
 * Loads `target` into the machine. `scratchBase` is a 16-byte-aligned physical address below
 * 1 MiB with LOADER_SCRATCH_SIZE bytes of RAM; its contents are restored.
 */
export async function loadState(machine: QemuMachine, target: ArchState, scratchBase: number): Promise<void> {
  let current = await machine.registers();
  if (machine.halted || machine.shutdown || needsCpuReset(current, target)) {
    await machine.resetCpuKeepingMemory();
    current = await machine.registers();
  }
  const gdtrDiffers = !sameTable(current.gdtr, target.gdtr) || !sameTable(current.idtr, target.idtr);
  const ldtrDiffers = !sameSegment(current.ldtr, target.ldtr);
  const trDiffers = !sameSegment(current.tr, target.tr);
  const selectors: Record<SegName, number> = { es: current.segs.es.sel, cs: current.segs.cs.sel, ss: current.segs.ss.sel, ds: current.segs.ds.sel, fs: current.segs.fs.sel, gs: current.segs.gs.sel };
  const toLoad = new Set<SegName>(SEG_NAMES.filter((s) => !sameSegment(current.segs[s], target.segs[s])));

  /**
   * Selector writes batched into one `g`/`G`. `G` writes FS.base and GS.base after the
   * selectors, with what it was given, so those fields carry the bases the loads produce.
   * CR0 comes after the selectors in `G` too: callers set it first with `P`.
   */
  const writeSelectors = async (loads: ReadonlyArray<{ seg: SegName; sel: number; base: number }>, also: Record<string, number> = {}): Promise<void> => {
    if (loads.length === 0 && Object.keys(also).length === 0) return;
    const values: Record<string, number> = { ...also };
    for (const load of loads) {
      values[load.seg] = load.sel;
      if (load.seg === 'fs' || load.seg === 'gs') values[`${load.seg}_base`] = load.base;
      selectors[load.seg] = load.sel;
    }
    await machine.setRegisters(values);
  };
  const realModeLoad = (seg: SegName, sel: number): { seg: SegName; sel: number; base: number } => ({ seg, sel, base: (sel & 0xffff) << 4 });

  // Real mode, paging off (then every selector write succeeds); EFLAGS.VM is cleared with the
  // first selector batch, which `G` applies before the selectors.
  await machine.setRegister('cr0', CR0_ET);
  let flagsCleared = false;
  const clearFlags = (): Record<string, number> => {
    if (flagsCleared) return {};
    flagsCleared = true;
    return { eflags: EFLAGS_FIXED };
  };

  // Always: even with the tables in place, one injected instruction resets QEMU's lazy flags.
  {
    const savedScratch = await machine.readPhysical(scratchBase, LOADER_SCRATCH_SIZE);
    try {
      // Code runs at CS = scratch / 16; loading SS in real mode makes QEMU's CPL 0, as LGDT needs.
      const bootSelector = scratchBase >>> 4;
      const clash = (['cs', 'ss'] as const).filter((seg) => selectors[seg] === bootSelector);
      if (clash.length > 0) await writeSelectors(clash.map((seg) => realModeLoad(seg, bootSelector ^ 1)), clearFlags());
      await writeSelectors([realModeLoad('cs', bootSelector), realModeLoad('ss', bootSelector)], clearFlags());
      toLoad.add('cs');
      toLoad.add('ss');
      const scratch = new Uint8Array(LOADER_SCRATCH_SIZE);
      for (const insn of [INSN_LGDT, INSN_LIDT, INSN_LLDT, INSN_LTR, INSN_NOP]) scratch.set(insn.bytes, SCRATCH_CODE + insn.offset);
      scratch.set(pseudoDescriptor(target.gdtr), SCRATCH_GDTR);
      scratch.set(pseudoDescriptor(target.idtr), SCRATCH_IDTR);
      Buffer.from(scratch.buffer).writeUInt16LE(target.ldtr.sel & 0xffff, SCRATCH_LDT_SELECTOR);
      Buffer.from(scratch.buffer).writeUInt16LE(target.tr.sel & 0xffff, SCRATCH_TR_SELECTOR);
      await machine.writePhysical(scratchBase, scratch);

      // EFLAGS is 0x2 here (clearFlags went with the first selector batch): the step leaves QEMU's lazy flags empty.
      if (gdtrDiffers) await stepInjected(machine, [INSN_LGDT, INSN_LIDT], 'LGDT, LIDT');
      else await stepInjected(machine, [INSN_NOP], 'NOP');

      if (ldtrDiffers || trDiffers) {
        // LLDT and LTR exist only in protected mode; CS stays the scratch segment, CPL stays 0.
        const temporary: TemporaryDescriptor[] = [];
        for (const [name, wanted, differs] of [['LDTR', target.ldtr, ldtrDiffers], ['TR', target.tr, trDiffers]] as const) {
          if (!differs || isNullSelector(wanted.sel)) continue;
          if (wanted.sel & 0x4) throw new SubjectError('protocol', `qemu setState: ${name} selector ${hex(wanted.sel)} points into an LDT, which the architecture forbids`);
          if (!fitsTable(wanted.sel, target.gdtr)) throw new SubjectError('protocol', `qemu setState: ${name} selector ${hex(wanted.sel)} lies beyond the GDT limit ${hex(target.gdtr.limit)}`);
          const attr = name === 'TR' ? wanted.attr & ~TSS_BUSY : wanted.attr;
          temporary.push({ address: (target.gdtr.base + descriptorOffset(wanted.sel)) >>> 0, bytes: segmentDescriptor(wanted.base, wanted.limit, attr) });
        }
        if (temporary.length === 2 && temporary[0]!.address === temporary[1]!.address) throw new SubjectError('protocol', `qemu setState: LDTR and TR share the selector slot ${hex(target.tr.sel)}`);
        await machine.setRegister('cr0', CR0_ET | CR0_PE);
        await withTemporaryDescriptors(machine, temporary, async () => {
          if (ldtrDiffers) await stepInjected(machine, [INSN_LLDT], 'LLDT');
          if (trDiffers) await stepInjected(machine, [INSN_LTR], 'LTR');
        });
        await machine.setRegister('cr0', CR0_ET);
      }
    } finally {
      await machine.writePhysical(scratchBase, savedScratch);
    }
  }

  // A selector write equal to the current selector is ignored: first make each one different
  // (in real mode, where any value loads).
  const differentFirst = [...toLoad].filter((seg) => selectors[seg] === (target.segs[seg].sel & 0xffff)).map((seg) => realModeLoad(seg, selectors[seg] ^ 0xffff));
  if (differentFirst.length > 0) await writeSelectors(differentFirst, clearFlags());

  const protectedTarget = (target.cr0 & CR0_PE) !== 0;
  const virtual8086 = protectedTarget && (target.eflags & EFLAGS_VM) !== 0;
  if (virtual8086) {
    // Under VM the stub loads real-mode-style caches with DPL 3, which is what virtual-8086 mode holds (SDM Vol. 3A, 20.2.1).
    await machine.setRegister('cr0', (target.cr0 & ~CR0_PG) | CR0_ET);
    await writeSelectors(LOAD_ORDER.filter((seg) => toLoad.has(seg)).map((seg) => realModeLoad(seg, target.segs[seg].sel)), { eflags: target.eflags });
  } else {
    const inPlace = LOAD_ORDER.filter((s) => toLoad.has(s) && fitsTable(target.segs[s].sel, tableFor(target.segs[s].sel, target)));
    const realStyle = LOAD_ORDER.filter((s) => toLoad.has(s) && !inPlace.includes(s));
    if (protectedTarget && realStyle.length > 0) {
      const s = realStyle[0]!;
      throw new SubjectError('protocol', `qemu setState: ${s.toUpperCase()} selector ${hex(target.segs[s].sel)} lies beyond its descriptor table's limit, so QEMU cannot load it`);
    }
    // Segments whose selectors share a descriptor slot but want different caches load in separate rounds.
    const rounds: Array<Array<{ seg: SegName; descriptor: TemporaryDescriptor }>> = [];
    for (const s of inPlace) {
      const wanted = target.segs[s];
      const descriptor = { address: (tableFor(wanted.sel, target).base + descriptorOffset(wanted.sel)) >>> 0, bytes: segmentDescriptor(wanted.base, wanted.limit, wanted.attr) };
      const round = rounds.find((r) => r.every((e) => e.descriptor.address !== descriptor.address || Buffer.compare(e.descriptor.bytes, descriptor.bytes) === 0));
      if (round) round.push({ seg: s, descriptor });
      else rounds.push([{ seg: s, descriptor }]);
    }
    if (rounds.length > 0) {
      await machine.setRegister('cr0', CR0_ET | CR0_PE);
      let flags: Record<string, number> = { eflags: target.eflags & ~EFLAGS_VM };
      for (const round of rounds) {
        const unique = round.filter((e, i) => round.findIndex((o) => o.descriptor.address === e.descriptor.address) === i).map((e) => e.descriptor);
        await withTemporaryDescriptors(machine, unique, async () => {
          await writeSelectors(round.map((e) => ({ seg: e.seg, sel: target.segs[e.seg].sel, base: target.segs[e.seg].base })), flags);
          flags = {};
        });
      }
      if (realStyle.length > 0) await machine.setRegister('cr0', CR0_ET);
    }
    // Real mode only: what the stub's own real-mode load gives (data attributes, 64 KiB limit).
    if (realStyle.length > 0) await writeSelectors(realStyle.map((seg) => realModeLoad(seg, target.segs[seg].sel)), { eflags: EFLAGS_FIXED });
  }

  // Paging comes on only now, with every cache in place. QEMU applies CR0 before CR3 and CR4
  // inside the one `G`; no page walk happens between them, so the order is invisible.
  await machine.setRegisters({
    ...target.regs,
    eip: target.eip,
    eflags: target.eflags,
    cr0: target.cr0,
    cr2: target.cr2,
    cr3: target.cr3,
    cr4: target.cr4,
    efer: target.efer,
  });

  const differences = stateDifferences(target, await machine.registers());
  if (differences.length > 0) throw new SubjectError('protocol', `qemu setState: QEMU does not hold the requested state: ${differences.slice(0, 3).join('; ')}`);
}
