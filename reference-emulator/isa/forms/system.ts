/**
 * Instruction-table records: the system group. ARPL (63); group 6 (0F 00: SLDT STR LLDT LTR VERR
 * VERW); group 7 (0F 01: SGDT SIDT LGDT LIDT SMSW LMSW INVLPG, VMCALL at C1, VMMCALL at D9); LAR
 * and LSL (0F 02/03); CLTS (0F 06); INVD and WBINVD (0F 08/09); MOV to and from CRn and DRn
 * (0F 20-23); WRMSR and RDMSR (0F 30/32); SYSENTER and SYSEXIT (0F 34/35).
 *
 * Authorities: the Intel SDM Vol. 2 pages of those names (operation, flags, exceptions by mode);
 * Vol. 3C, Appendix C and "Instructions That Cause VM Exits" for the VT-x exit reasons; AMD APM
 * Vol. 2, 15.9-15.13 and Appendix C for the SVM intercepts; Robin & Irvine, "Analysis of the
 * Intel Pentium's ability to support a secure virtual machine monitor" (USENIX Security 2000)
 * for the sensitive but unprivileged ones. Ids, operand sizes and `since` follow iced-x86 1.21 (the 32-bit operand
 * forms are i386 because the 286 has no 66 prefix).
 *
 * Protected-only forms (ARPL, group 6, LAR, LSL) raise #UD in real and virtual-8086 mode
 * ("not recognized in real-address mode", SDM); their records leave `real` and `v86` out.
 *
 * Operands: SDM Vol. 2D, Appendix A (Tables A-3 and A-6) and, where the instruction page is more
 * precise, the page. LLDT LTR VERR VERW LMSW and ARPL read a 16-bit selector or word whatever the
 * operand size (`Ew`; "r/m16" on their pages), so their 32-bit records name the 16-bit register;
 * SLDT STR and SMSW store 16 bits to memory but a whole register of the operand size (`Rv/Mw`,
 * Appendix A; "r32/m16"); LAR and LSL read "r32/m16" the same way (`Rv/Mw` for the page's
 * source, Appendix A writes `Ew`); SGDT SIDT LGDT LIDT take the 6-byte pseudo-descriptor `Ms`
 * under either operand size, which decides only whether 24 or 32 bits of base are used;
 * INVLPG takes `Mb` (a byte address, with its segment).
 *
 * MOV CRn/DRn (0F 20-23): the hardware ignores ModRM.mod and always uses the register that
 * ModRM.rm names ("the 2 bits in the mod field are ignored", SDM MOV-Move to/from Control
 * Registers and to/from Debug Registers), so the records are `mod-ignored`: no SIB byte or
 * displacement is ever read. CR1 and CR5-CR7 do not exist ("#UD If an attempt is made to access
 * CR1, CR5, CR6, or CR7"): the CR records' `regMask` makes them INVALID at decode time. CR4 does
 * not exist before the Pentium either; that is a per-model fact the handler checks (#UD).
 *
 * Virtualization metadata, on every record (schema.ts): `privileged` on the 22 CPL-0-only
 * records (VMCALL among them) and on VMMCALL, 23 in all (see those two notes); `sensitive` after
 * Robin & Irvine, whose sensitive-but-unprivileged list contributes SGDT SIDT SLDT SMSW STR LAR
 * LSL VERR VERW (18 records); SYSENTER, younger than their paper, is the 19th unprivileged
 * sensitive record; ARPL is not sensitive; `vmxExit` and `svmIntercept` where an exit or
 * intercept exists.
 */

import { form, PROT_MODES, type FormRecord } from '../schema.ts';

/** Group 6 and the ARPL/LAR/LSL forms: protected mode only (#UD in real and virtual-8086 mode). */
const PROT = PROT_MODES;

/** ModRM.reg values of MOV CRn that name a control register: CR0, CR2, CR3, CR4 (bits 0, 2, 3, 4). */
const CR_EXIST = 0b11101;

const GDTR_READ = { sensitive: 'behavior', vmxExit: 'GDTR/IDTR access (46), conditional on descriptor-table exiting', svmIntercept: 'GDTR_READ (VMEXIT_GDTR_READ 0x67)' } as const;
const IDTR_READ = { sensitive: 'behavior', vmxExit: 'GDTR/IDTR access (46), conditional on descriptor-table exiting', svmIntercept: 'IDTR_READ (VMEXIT_IDTR_READ 0x66)' } as const;
const GDTR_WRITE = { privileged: true, sensitive: 'control', vmxExit: 'GDTR/IDTR access (46), conditional on descriptor-table exiting', svmIntercept: 'GDTR_WRITE (VMEXIT_GDTR_WRITE 0x6B)' } as const;
const IDTR_WRITE = { privileged: true, sensitive: 'control', vmxExit: 'GDTR/IDTR access (46), conditional on descriptor-table exiting', svmIntercept: 'IDTR_WRITE (VMEXIT_IDTR_WRITE 0x6A)' } as const;
const LDTR_READ = { sensitive: 'behavior', vmxExit: 'LDTR/TR access (47), conditional on descriptor-table exiting', svmIntercept: 'LDTR_READ (VMEXIT_LDTR_READ 0x68)' } as const;
const TR_READ = { sensitive: 'behavior', vmxExit: 'LDTR/TR access (47), conditional on descriptor-table exiting', svmIntercept: 'TR_READ (VMEXIT_TR_READ 0x69)' } as const;
const LDTR_WRITE = { privileged: true, sensitive: 'control', vmxExit: 'LDTR/TR access (47), conditional on descriptor-table exiting', svmIntercept: 'LDTR_WRITE (VMEXIT_LDTR_WRITE 0x6C)' } as const;
const TR_WRITE = { privileged: true, sensitive: 'control', vmxExit: 'LDTR/TR access (47), conditional on descriptor-table exiting', svmIntercept: 'TR_WRITE (VMEXIT_TR_WRITE 0x6D)' } as const;
/** LAR LSL VERR VERW: Robin & Irvine's "protection system references": the result depends on CPL and the descriptor tables. */
const PROTECTION_REF = { sensitive: 'behavior' } as const;
/** ARPL: its result depends on its two operands only, not on CPL or any system register. */
const ARPL_NOTE = 'not sensitive (Robin & Irvine do not list it): it compares the RPL fields of two operands and touches no system state';
const SMSW_META = {
  sensitive: 'behavior',
  svmIntercept: 'READ_CR0 (VMEXIT_CR0_READ 0x00; SMSW counts as a CR0 read, APM 15.10.1)',
  note: 'VT-x has no exit for SMSW: it reads CR0 through the CR0 read shadow. 286: the reserved MSW bits 4-15 read as 1 (Bochs, BX_CPU_LEVEL 2). With CR4.UMIP and CPL > 0: #GP(0)',
} as const;
const LMSW_META = {
  privileged: true,
  sensitive: 'control',
  vmxExit: 'CR access (28), conditional on the CR0 guest/host mask (bits 0-3) against the CR0 read shadow',
  svmIntercept: 'WRITE_CR0 (VMEXIT_CR0_WRITE 0x10; LMSW counts as a CR0 write, APM 15.10.1)',
  note: 'loads CR0 bits 0-3 (PE MP EM TS); can set PE but never clear it (SDM LMSW)',
} as const;
const UMIP_NOTE = 'with CR4.UMIP and CPL > 0 (protected or virtual-8086 mode): #GP(0)';

export const systemForms = [
  // ---- 63: ARPL (protected mode only; 63 is not an instruction in real mode on the 286 and later) ----
  form({ id: 'Arpl_rm16_r16', mnemonic: 'arpl', opcode: 0x63, modrm: 'rm', osz: 16, operands: ['Ew', 'Gw'], since: 'i286', modes: PROT, flagsWritten: 'z', note: ARPL_NOTE }),
  form({ id: 'Arpl_r32m16_r32', mnemonic: 'arpl', opcode: 0x63, modrm: 'rm', osz: 32, operands: ['Ew', 'Gw'], since: 'i386', modes: PROT, flagsWritten: 'z', note: `operates on 16 bits whatever the operand size: a register destination keeps its upper half. ${ARPL_NOTE}` }),

  // ---- 0F 00: group 6 ----
  form({ id: 'Sldt_rm16', mnemonic: 'sldt', map: '0f', opcode: 0x00, modrm: 'rm', ext: 0, osz: 16, operands: ['Rv/Mw'], since: 'i286', modes: PROT, ...LDTR_READ, note: UMIP_NOTE }),
  form({ id: 'Sldt_r32m16', mnemonic: 'sldt', map: '0f', opcode: 0x00, modrm: 'rm', ext: 0, osz: 32, operands: ['Rv/Mw'], since: 'i386', modes: PROT, ...LDTR_READ, note: `memory: a 16-bit store; 32-bit register: zero-extended (SDM: P6 and later). ${UMIP_NOTE}` }),
  form({ id: 'Str_rm16', mnemonic: 'str', map: '0f', opcode: 0x00, modrm: 'rm', ext: 1, osz: 16, operands: ['Rv/Mw'], since: 'i286', modes: PROT, ...TR_READ, note: UMIP_NOTE }),
  form({ id: 'Str_r32m16', mnemonic: 'str', map: '0f', opcode: 0x00, modrm: 'rm', ext: 1, osz: 32, operands: ['Rv/Mw'], since: 'i386', modes: PROT, ...TR_READ, note: `memory: a 16-bit store; 32-bit register: zero-extended. ${UMIP_NOTE}` }),
  form({ id: 'Lldt_rm16', mnemonic: 'lldt', map: '0f', opcode: 0x00, modrm: 'rm', ext: 2, osz: 16, operands: ['Ew'], since: 'i286', modes: PROT, cpl: 0, flow: 'serialize', ...LDTR_WRITE }),
  form({ id: 'Lldt_r32m16', mnemonic: 'lldt', map: '0f', opcode: 0x00, modrm: 'rm', ext: 2, osz: 32, operands: ['Ew'], since: 'i386', modes: PROT, cpl: 0, flow: 'serialize', ...LDTR_WRITE }),
  form({ id: 'Ltr_rm16', mnemonic: 'ltr', map: '0f', opcode: 0x00, modrm: 'rm', ext: 3, osz: 16, operands: ['Ew'], since: 'i286', modes: PROT, cpl: 0, flow: 'serialize', ...TR_WRITE, note: 'marks the TSS descriptor busy in the GDT' }),
  form({ id: 'Ltr_r32m16', mnemonic: 'ltr', map: '0f', opcode: 0x00, modrm: 'rm', ext: 3, osz: 32, operands: ['Ew'], since: 'i386', modes: PROT, cpl: 0, flow: 'serialize', ...TR_WRITE, note: 'marks the TSS descriptor busy in the GDT' }),
  form({ id: 'Verr_rm16', mnemonic: 'verr', map: '0f', opcode: 0x00, modrm: 'rm', ext: 4, osz: 16, operands: ['Ew'], since: 'i286', modes: PROT, flagsWritten: 'z', ...PROTECTION_REF }),
  form({ id: 'Verr_r32m16', mnemonic: 'verr', map: '0f', opcode: 0x00, modrm: 'rm', ext: 4, osz: 32, operands: ['Ew'], since: 'i386', modes: PROT, flagsWritten: 'z', ...PROTECTION_REF }),
  form({ id: 'Verw_rm16', mnemonic: 'verw', map: '0f', opcode: 0x00, modrm: 'rm', ext: 5, osz: 16, operands: ['Ew'], since: 'i286', modes: PROT, flagsWritten: 'z', ...PROTECTION_REF }),
  form({ id: 'Verw_r32m16', mnemonic: 'verw', map: '0f', opcode: 0x00, modrm: 'rm', ext: 5, osz: 32, operands: ['Ew'], since: 'i386', modes: PROT, flagsWritten: 'z', ...PROTECTION_REF }),

  // ---- 0F 01: group 7 (memory forms; mod = 3 of /0-/3 and /7 are other instructions or #UD) ----
  form({ id: 'Sgdt_m1632_16', mnemonic: 'sgdt', map: '0f', opcode: 0x01, modrm: 'mem', ext: 0, osz: 16, operands: ['Ms'], since: 'i286', ...GDTR_READ, note: `stores the limit and 24 bits of base; the fourth base byte is 0, FFh on the 286 (SDM SGDT, IA-32 compatibility). ${UMIP_NOTE}` }),
  form({ id: 'Sgdt_m1632', mnemonic: 'sgdt', map: '0f', opcode: 0x01, modrm: 'mem', ext: 0, osz: 32, operands: ['Ms'], since: 'i386', ...GDTR_READ, note: UMIP_NOTE }),
  form({ id: 'Sidt_m1632_16', mnemonic: 'sidt', map: '0f', opcode: 0x01, modrm: 'mem', ext: 1, osz: 16, operands: ['Ms'], since: 'i286', ...IDTR_READ, note: `as SGDT: the fourth base byte is 0, FFh on the 286. ${UMIP_NOTE}` }),
  form({ id: 'Sidt_m1632', mnemonic: 'sidt', map: '0f', opcode: 0x01, modrm: 'mem', ext: 1, osz: 32, operands: ['Ms'], since: 'i386', ...IDTR_READ, note: UMIP_NOTE }),
  form({ id: 'Lgdt_m1632_16', mnemonic: 'lgdt', map: '0f', opcode: 0x01, modrm: 'mem', ext: 2, osz: 16, operands: ['Ms'], since: 'i286', cpl: 0, flow: 'serialize', ...GDTR_WRITE, note: 'loads 24 bits of base (the fourth byte is ignored)' }),
  form({ id: 'Lgdt_m1632', mnemonic: 'lgdt', map: '0f', opcode: 0x01, modrm: 'mem', ext: 2, osz: 32, operands: ['Ms'], since: 'i386', cpl: 0, flow: 'serialize', ...GDTR_WRITE }),
  form({ id: 'Lidt_m1632_16', mnemonic: 'lidt', map: '0f', opcode: 0x01, modrm: 'mem', ext: 3, osz: 16, operands: ['Ms'], since: 'i286', cpl: 0, flow: 'serialize', ...IDTR_WRITE, note: 'loads 24 bits of base (the fourth byte is ignored)' }),
  form({ id: 'Lidt_m1632', mnemonic: 'lidt', map: '0f', opcode: 0x01, modrm: 'mem', ext: 3, osz: 32, operands: ['Ms'], since: 'i386', cpl: 0, flow: 'serialize', ...IDTR_WRITE }),
  form({ id: 'Smsw_rm16', mnemonic: 'smsw', map: '0f', opcode: 0x01, modrm: 'rm', ext: 4, osz: 16, operands: ['Rv/Mw'], since: 'i286', ...SMSW_META }),
  form({ id: 'Smsw_r32m16', mnemonic: 'smsw', map: '0f', opcode: 0x01, modrm: 'rm', ext: 4, osz: 32, operands: ['Rv/Mw'], since: 'i386', ...SMSW_META, note: `${SMSW_META.note}. Memory: a 16-bit store; 32-bit register: all of CR0 (SDM: upper half undefined; xvc follows QEMU)` }),
  form({ id: 'Lmsw_rm16', mnemonic: 'lmsw', map: '0f', opcode: 0x01, modrm: 'rm', ext: 6, osz: 16, operands: ['Ew'], since: 'i286', cpl: 0, flow: 'serialize', ...LMSW_META }),
  form({ id: 'Lmsw_r32m16', mnemonic: 'lmsw', map: '0f', opcode: 0x01, modrm: 'rm', ext: 6, osz: 32, operands: ['Ew'], since: 'i386', cpl: 0, flow: 'serialize', ...LMSW_META }),
  form({
    id: 'Invlpg_m', mnemonic: 'invlpg', map: '0f', opcode: 0x01, modrm: 'mem', ext: 7, operands: ['Mb'], since: 'i486', cpl: 0, flow: 'serialize',
    privileged: true, sensitive: 'control', vmxExit: 'INVLPG (14), conditional on INVLPG exiting', svmIntercept: 'INVLPG (VMEXIT_INVLPG 0x79)',
    note: 'no TLB is modelled yet (paging is a seam in access.ts): retires with no effect',
  }),
  form({
    id: 'Vmcall', mnemonic: 'vmcall', map: '0f', opcode: 0x01, modrm: 'reg', modrmByte: 0xc1, udPrefixes: ['operand-size', 'rep', 'repne'], since: 'modern', cpl: 0, flow: 'serialize', flagsWritten: 'oszapc',
    privileged: true, sensitive: 'control', vmxExit: 'VMCALL (18), unconditional in VMX non-root operation',
    note: '#UD outside VMX operation at any CPL, which is every state the interpreter models (no VMXON); in VMX root operation CPL > 0 is #GP(0), hence cpl 0 (as iced), and VMfail writes OSZAPC (SDM VMCALL; as iced). Never completes at CPL > 0, hence privileged; control-sensitive: in VMX non-root operation it leaves the guest for the VMM, in root operation it can activate the dual-monitor treatment of SMM. 66, F2 and F3 cause #UD (SDM VMCALL, "Use of Prefixes"). AMD parts: #UD (no SVM intercept)',
  }),
  form({
    id: 'Vmmcall', mnemonic: 'vmmcall', map: '0f', opcode: 0x01, modrm: 'reg', modrmByte: 0xd9, since: 'modern', flow: 'serialize',
    privileged: true, sensitive: 'control', svmIntercept: 'VMMCALL (VMEXIT_VMMCALL 0x81)',
    note: 'not restricted to CPL 0 (AMD APM VMMCALL), but a VMMCALL the VMM does not intercept raises #UD at every CPL, so it never completes at CPL > 0: privileged in the sense of schema.ts, with cpl 3 (as iced). Control-sensitive: intercepted, it leaves the guest for the VMM. #UD always here (no model reports SVM, and EFER does not exist on them). Intel parts: #UD (no VT-x exit). F2/F3 0F 01 D9 is VMGEXIT with SEV-ES, which no model has',
  }),

  // ---- 0F 02 03: LAR LSL ----
  form({ id: 'Lar_r16_rm16', mnemonic: 'lar', map: '0f', opcode: 0x02, modrm: 'rm', osz: 16, operands: ['Gv', 'Rv/Mw'], since: 'i286', modes: PROT, flagsWritten: 'z', ...PROTECTION_REF }),
  form({ id: 'Lar_r32_r32m16', mnemonic: 'lar', map: '0f', opcode: 0x02, modrm: 'rm', osz: 32, operands: ['Gv', 'Rv/Mw'], since: 'i386', modes: PROT, flagsWritten: 'z', ...PROTECTION_REF, note: 'reads a 16-bit selector; the destination gets the access rights masked with 00FxFF00h' }),
  form({ id: 'Lsl_r16_rm16', mnemonic: 'lsl', map: '0f', opcode: 0x03, modrm: 'rm', osz: 16, operands: ['Gv', 'Rv/Mw'], since: 'i286', modes: PROT, flagsWritten: 'z', ...PROTECTION_REF }),
  form({ id: 'Lsl_r32_r32m16', mnemonic: 'lsl', map: '0f', opcode: 0x03, modrm: 'rm', osz: 32, operands: ['Gv', 'Rv/Mw'], since: 'i386', modes: PROT, flagsWritten: 'z', ...PROTECTION_REF, note: 'reads a 16-bit selector; the destination gets the byte-granular limit' }),

  // ---- 0F 06 08 09: CLTS INVD WBINVD ----
  form({
    id: 'Clts', mnemonic: 'clts', map: '0f', opcode: 0x06, modrm: 'none', since: 'i286', cpl: 0, flow: 'serialize',
    privileged: true, sensitive: 'control', vmxExit: 'CR access (28), conditional on CR0 guest/host mask bit 3 (TS) with read-shadow TS = 1', svmIntercept: 'WRITE_CR0 (VMEXIT_CR0_WRITE 0x10; CLTS counts as a CR0 write, APM 15.10.1)',
  }),
  form({
    id: 'Invd', mnemonic: 'invd', map: '0f', opcode: 0x08, modrm: 'none', since: 'i486', cpl: 0, flow: 'serialize',
    privileged: true, sensitive: 'control', vmxExit: 'INVD (13), unconditional', svmIntercept: 'INVD (VMEXIT_INVD 0x76)',
    note: 'no caches are modelled: retires with no effect',
  }),
  form({
    id: 'Wbinvd', mnemonic: 'wbinvd', map: '0f', opcode: 0x09, modrm: 'none', since: 'i486', cpl: 0, flow: 'serialize',
    privileged: true, sensitive: 'control', vmxExit: 'WBINVD (54), conditional on WBINVD exiting', svmIntercept: 'WBINVD (VMEXIT_WBINVD 0x89)',
    note: 'no caches are modelled: retires with no effect',
  }),

  // ---- 0F 20-23: MOV from/to CRn and DRn (ModRM.mod ignored: see the header) ----
  form({
    id: 'Mov_r32_cr', mnemonic: 'mov', map: '0f', opcode: 0x20, modrm: 'mod-ignored', regMask: CR_EXIST, operands: ['Rd', 'Cd'], since: 'i386', cpl: 0, flagsUndefined: 'oszapc',
    privileged: true, sensitive: 'behavior', vmxExit: 'CR access (28), conditional on CR3-store exiting for CR3 (CR0/CR4 reads never exit: they return the read shadows)', svmIntercept: 'READ_CR0-15 (VMEXIT_CR0_READ 0x00 + n)',
    note: 'CR0 CR2 CR3 CR4; CR1, CR5-CR7 decode to INVALID (regMask); CR4 on models without it (i386, i486): #UD from the handler, ahead of the CPL check. Operand size is ignored',
  }),
  form({
    id: 'Mov_r32_dr', mnemonic: 'mov', map: '0f', opcode: 0x21, modrm: 'mod-ignored', operands: ['Rd', 'Dd'], since: 'i386', cpl: 0, flagsUndefined: 'oszapc',
    privileged: true, sensitive: 'behavior', vmxExit: 'DR access (29), conditional on MOV-DR exiting', svmIntercept: 'READ_DR0-15 (VMEXIT_DR0_READ 0x20 + n)',
    note: 'DR4/DR5 alias DR6/DR7 unless CR4.DE (then #UD); DR7.GD: #DB with DR6.BD',
  }),
  form({
    id: 'Mov_cr_r32', mnemonic: 'mov', map: '0f', opcode: 0x22, modrm: 'mod-ignored', regMask: CR_EXIST, operands: ['Cd', 'Rd'], since: 'i386', cpl: 0, flagsUndefined: 'oszapc', flow: 'serialize',
    privileged: true, sensitive: 'control', vmxExit: 'CR access (28), conditional on the CR0/CR4 guest/host masks and CR3-load exiting (with the CR3-target list)', svmIntercept: 'WRITE_CR0-15 (VMEXIT_CR0_WRITE 0x10 + n)',
    note: 'CR0: PG without PE or NW without CD: #GP(0); bits the model lacks are ignored. CR4: a bit whose feature the model\'s CPUID does not report is reserved: #GP(0). Paging itself is not modelled yet: PG and CR3 are recorded only',
  }),
  form({
    id: 'Mov_dr_r32', mnemonic: 'mov', map: '0f', opcode: 0x23, modrm: 'mod-ignored', operands: ['Dd', 'Rd'], since: 'i386', cpl: 0, flagsUndefined: 'oszapc', flow: 'serialize',
    privileged: true, sensitive: 'control', vmxExit: 'DR access (29), conditional on MOV-DR exiting', svmIntercept: 'WRITE_DR0-15 (VMEXIT_DR0_WRITE 0x30 + n)',
    note: 'DR6/DR7 fixed bits forced; breakpoints are recorded but not triggered yet',
  }),

  // ---- 0F 30 32: WRMSR RDMSR; 0F 34 35: SYSENTER SYSEXIT ----
  form({
    id: 'Wrmsr', mnemonic: 'wrmsr', map: '0f', opcode: 0x30, modrm: 'none', since: 'pentium', cpl: 0, flow: 'serialize',
    privileged: true, sensitive: 'control', vmxExit: 'WRMSR (32), conditional on the MSR bitmaps (unconditional without "use MSR bitmaps")', svmIntercept: 'MSR_PROT (VMEXIT_MSR 0x7C, EXITINFO1 = 1)',
    note: 'an MSR exists when the model\'s CPUID reports its feature: TSC (10h; CPUID TSC), SYSENTER_CS/ESP/EIP (174h-176h; CPUID SEP: p6, modern), EFER (C0000080h; CPUID 80000001h NX or LM, which no model reports); others: #GP(0)',
  }),
  form({
    id: 'Rdmsr', mnemonic: 'rdmsr', map: '0f', opcode: 0x32, modrm: 'none', since: 'pentium', cpl: 0,
    privileged: true, sensitive: 'behavior', vmxExit: 'RDMSR (31), conditional on the MSR bitmaps (unconditional without "use MSR bitmaps")', svmIntercept: 'MSR_PROT (VMEXIT_MSR 0x7C, EXITINFO1 = 0)',
    note: 'as WRMSR; TSC reads retired instructions + tscOffset',
  }),
  form({
    id: 'Sysenter', mnemonic: 'sysenter', map: '0f', opcode: 0x34, modrm: 'none', since: 'p6', flow: 'far', flagsWritten: 'i', sensitive: 'control',
    note: 'no VT-x exit or SVM intercept. Control-sensitive and not privileged (it came after Robin & Irvine\'s paper): it switches to CPL 0 at the entry point of the SYSENTER MSRs, which under trap-and-emulate are the VMM\'s, not the guest\'s. #GP(0) in real mode or with SYSENTER_CS[15:2] = 0; otherwise flat CPL-0 CS/SS from SYSENTER_CS',
  }),
  form({
    id: 'Sysexitd', mnemonic: 'sysexit', map: '0f', opcode: 0x35, modrm: 'none', since: 'p6', cpl: 0, flow: 'far', privileged: true, sensitive: 'control',
    note: 'no VT-x exit or SVM intercept. #GP(0) in real mode, at CPL > 0 or with SYSENTER_CS[15:2] = 0; otherwise flat CPL-3 CS/SS from SYSENTER_CS + 16/24',
  }),
] as const satisfies readonly FormRecord[];
