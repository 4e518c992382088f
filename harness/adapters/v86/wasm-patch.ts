/**
 * Rewrites v86's CPU core (build/v86.wasm of the npm package, v86 0.5) so that a harness can run
 * an exact number of instructions, stop at breakpoints and stop at an exception before it is
 * delivered. Stock v86 offers none of these: its only entry point, `main_loop`, runs for about a
 * millisecond of wall time in slices of at least LOOP_COUNTER (100003) instructions, and its
 * interpreter runs on through straight-line code until a block boundary or a page change.
 *
 * The rewrite adds mutable globals (exported, all prefixed `xvc_`) and two functions, and changes
 * five places:
 * - `main_loop`'s slice test `instruction_counter - start < 100003`, made after each call of
 *   v86's `cycle_internal` (one instruction, then in the interpreter more of the same page),
 *   compares with `xvc_budget` instead, takes one step from the step budget `xvc_cycles` (for
 *   that first instruction) and ends the slice when the budget is spent; when a stop is requested
 *   (`xvc_stop`) or breakpoints are set (`xvc_bp_table`, `xvc_bp_count`) it also calls
 *   `xvc_loop_slow`, which ends the slice on a stop or when the linear EIP is a breakpoint;
 * - the interpreter's "same page" test `(eip ^ start) >= 4096`, made before each further
 *   instruction of a `cycle_internal`, also ends the run of instructions when fewer than two steps
 *   are left (one is kept for the slice test), and otherwise takes a step; with a stop or
 *   breakpoints it calls `xvc_inner_slow` for the same checks. So each instruction is one step,
 *   and so is an instruction fetch that page-faults (a cycle v86's own counter does not count);
 * - the interpreter's iteration limit (100001; past it the run ends at the next backward jump)
 *   reads `xvc_inner_limit`, so the step budget alone decides where a run ends;
 * - `main_loop`'s time slice `now - start > 1.0 ms` compares with `xvc_frame_ms`, so -1 makes it
 *   return after one slice;
 * - `call_interrupt_vector` (every exception, INT n and hardware interrupt goes through it) starts
 *   with a test: when `xvc_stop_on_exception` is set and the interrupt is not a software one, it
 *   records the vector and error code (`xvc_exc_*`), requests a stop and returns before anything
 *   is pushed.
 * The common path (no stop, no breakpoint) is inline: a call per instruction there costs about a
 * quarter of the interpreter's speed. With the globals at their initial values (budget 100003,
 * step budget 2^31-1, iteration limit 100001, frame 1.0 ms, no stop, no breakpoints) the module
 * behaves as stock v86. It also exports the page walker, `do_page_walk`, as `xvc_do_page_walk`.
 *
 * The places are found by byte patterns in named functions, so a different v86 build is refused
 * with a one-line error instead of being patched blindly (WebAssembly binary format:
 * https://webassembly.github.io/spec/core/binary/).
 */

const SECTION_TYPE = 1;
const SECTION_IMPORT = 2;
const SECTION_FUNCTION = 3;
const SECTION_GLOBAL = 6;
const SECTION_EXPORT = 7;
const SECTION_CODE = 10;

const OP_IF = 0x04;
const OP_ELSE = 0x05;
const OP_LOOP = 0x03;
const OP_END = 0x0b;
const OP_BR_IF = 0x0d;
const OP_RETURN = 0x0f;
const OP_CALL = 0x10;
const OP_LOCAL_GET = 0x20;
const OP_LOCAL_SET = 0x21;
const OP_LOCAL_TEE = 0x22;
const OP_GLOBAL_GET = 0x23;
const OP_GLOBAL_SET = 0x24;
const OP_I32_LOAD = 0x28;
const OP_I32_CONST = 0x41;
const OP_I32_EQZ = 0x45;
const OP_I32_EQ = 0x46;
const OP_I32_LT_S = 0x48;
const OP_I32_LT_U = 0x49;
const OP_I32_GT_S = 0x4a;
const OP_I32_AND = 0x71;
const OP_I32_OR = 0x72;
const OP_I32_GE_U = 0x4f;
const OP_I32_SUB = 0x6b;
const OP_I32_ADD = 0x6a;
const OP_I32_SHL = 0x74;
const BLOCK_EMPTY = 0x40;
const TYPE_I32 = 0x7f;
const TYPE_F64 = 0x7c;
const EXPORT_FUNC = 0;
const EXPORT_GLOBAL = 3;

/** Offsets of v86 CPU state in the core's memory (the build's own JS, `new CPU`, uses the same). */
const OFFSET_INSTRUCTION_POINTER = 556;
const OFFSET_IN_HLT = 616;

/** The globals the patch adds, in order, with their initial values (the stock constants). */
export const PATCH_GLOBALS = [
  { name: 'xvc_budget', type: TYPE_I32, init: 100003 },
  { name: 'xvc_cycles', type: TYPE_I32, init: 0x7fffffff },
  { name: 'xvc_inner_limit', type: TYPE_I32, init: 100001 },
  { name: 'xvc_frame_ms', type: TYPE_F64, init: 1.0 },
  { name: 'xvc_stop', type: TYPE_I32, init: 0 },
  { name: 'xvc_stop_on_exception', type: TYPE_I32, init: 0 },
  { name: 'xvc_exc_vector', type: TYPE_I32, init: -1 },
  { name: 'xvc_exc_has_error', type: TYPE_I32, init: 0 },
  { name: 'xvc_exc_error', type: TYPE_I32, init: 0 },
  { name: 'xvc_bp_table', type: TYPE_I32, init: 0 },
  { name: 'xvc_bp_count', type: TYPE_I32, init: 0 },
] as const;

export type PatchGlobalName = (typeof PATCH_GLOBALS)[number]['name'];

class Reader {
  offset = 0;
  constructor(readonly bytes: Uint8Array) {}
  byte(): number {
    const b = this.bytes[this.offset++];
    if (b === undefined) throw new Error('v86 wasm patch: unexpected end of module');
    return b;
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  }
  name(): string {
    const length = this.u32();
    const text = new TextDecoder().decode(this.bytes.subarray(this.offset, this.offset + length));
    this.offset += length;
    return text;
  }
}

function u32Leb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

function s32Leb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function nameBytes(text: string): number[] {
  const encoded = new TextEncoder().encode(text);
  return [...u32Leb(encoded.length), ...encoded];
}

interface Section {
  id: number;
  /** The section's content, without id and size. */
  body: Uint8Array;
}

function readSections(module: Uint8Array): Section[] {
  const magic = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  if (!magic.every((b, i) => module[i] === b)) throw new Error('v86 wasm patch: not a WebAssembly version 1 module');
  const r = new Reader(module);
  r.offset = 8;
  const sections: Section[] = [];
  while (r.offset < module.length) {
    const id = r.byte();
    const size = r.u32();
    sections.push({ id, body: module.subarray(r.offset, r.offset + size) });
    r.offset += size;
  }
  return sections;
}

function writeSections(sections: Section[]): Uint8Array {
  const parts: Uint8Array[] = [new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00])];
  for (const s of sections) parts.push(new Uint8Array([s.id, ...u32Leb(s.body.length)]), s.body);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function section(sections: Section[], id: number): Section {
  const found = sections.find((s) => s.id === id);
  if (!found) throw new Error(`v86 wasm patch: module has no section ${id}`);
  return found;
}

/** A vector section's element count and the bytes after it. */
function vectorOf(body: Uint8Array): { count: number; rest: Uint8Array } {
  const r = new Reader(body);
  const count = r.u32();
  return { count, rest: body.subarray(r.offset) };
}

function appendToVector(body: Uint8Array, extraCount: number, extra: number[]): Uint8Array {
  const { count, rest } = vectorOf(body);
  return new Uint8Array([...u32Leb(count + extraCount), ...rest, ...extra]);
}

/** Imported function and global counts, in one pass over the import section. */
function countImports(importBody: Uint8Array): { functions: number; globals: number } {
  const r = new Reader(importBody);
  const count = r.u32();
  let functions = 0;
  let globals = 0;
  for (let i = 0; i < count; i++) {
    r.name();
    r.name();
    const kind = r.byte();
    if (kind === 0) {
      r.u32();
      functions++;
    } else if (kind === 1) {
      r.byte();
      const flags = r.byte();
      r.u32();
      if (flags & 1) r.u32();
    } else if (kind === 2) {
      const flags = r.byte();
      r.u32();
      if (flags & 1) r.u32();
    } else if (kind === 3) {
      r.byte();
      r.byte();
      globals++;
    } else throw new Error(`v86 wasm patch: unknown import kind ${kind}`);
  }
  return { functions, globals };
}

function exportedFunction(exportBody: Uint8Array, name: string): number {
  const r = new Reader(exportBody);
  const count = r.u32();
  for (let i = 0; i < count; i++) {
    const exportName = r.name();
    const kind = r.byte();
    const index = r.u32();
    if (kind === EXPORT_FUNC && exportName === name) return index;
  }
  throw new Error(`v86 wasm patch: no exported function '${name}'`);
}

/** Function index by the suffix of its (mangled Rust) name in the "name" custom section. */
function namedFunction(sections: Section[], suffix: string): number {
  const names = sections.find((s) => s.id === 0 && new Reader(s.body).name() === 'name');
  if (!names) throw new Error('v86 wasm patch: the module has no name section to find internal functions by');
  const r = new Reader(names.body);
  r.name();
  const matches: number[] = [];
  while (r.offset < names.body.length) {
    const subsection = r.byte();
    const size = r.u32();
    const end = r.offset + size;
    if (subsection === 1) {
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        const index = r.u32();
        if (r.name().endsWith(suffix)) matches.push(index);
      }
    }
    r.offset = end;
  }
  if (matches.length !== 1) throw new Error(`v86 wasm patch: expected one function named *${suffix}, found ${matches.length}`);
  return matches[0]!;
}

function findType(typeBody: Uint8Array, params: number[], results: number[]): number | undefined {
  const r = new Reader(typeBody);
  const count = r.u32();
  for (let i = 0; i < count; i++) {
    if (r.byte() !== 0x60) throw new Error('v86 wasm patch: unexpected type form');
    const p = Array.from({ length: r.u32() }, () => r.byte());
    const q = Array.from({ length: r.u32() }, () => r.byte());
    if (p.length === params.length && p.every((t, k) => t === params[k]) && q.length === results.length && q.every((t, k) => t === results[k])) return i;
  }
  return undefined;
}

interface CodeBodies {
  bodies: Uint8Array[];
}

function readCode(codeBody: Uint8Array): CodeBodies {
  const r = new Reader(codeBody);
  const count = r.u32();
  const bodies: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const size = r.u32();
    bodies.push(codeBody.subarray(r.offset, r.offset + size));
    r.offset += size;
  }
  return { bodies };
}

function writeCode(code: CodeBodies): Uint8Array {
  const parts: number[][] = [u32Leb(code.bodies.length)];
  let total = parts[0]!.length;
  const sizes = code.bodies.map((b) => u32Leb(b.length));
  for (const s of sizes) total += s.length;
  for (const b of code.bodies) total += b.length;
  const out = new Uint8Array(total);
  let at = 0;
  out.set(parts[0]!, at);
  at += parts[0]!.length;
  code.bodies.forEach((b, i) => {
    out.set(sizes[i]!, at);
    at += sizes[i]!.length;
    out.set(b, at);
    at += b.length;
  });
  return out;
}

/** The offset just past a body's local declarations, where its instructions begin. */
function instructionsStart(body: Uint8Array): number {
  const r = new Reader(body);
  const groups = r.u32();
  for (let i = 0; i < groups; i++) {
    r.u32();
    r.byte();
  }
  return r.offset;
}

function indexOfPattern(haystack: Uint8Array, pattern: readonly number[], from = 0): number {
  outer: for (let i = from; i <= haystack.length - pattern.length; i++) {
    for (let k = 0; k < pattern.length; k++) if (haystack[i + k] !== pattern[k]) continue outer;
    return i;
  }
  return -1;
}

/**
 * Replaces `length` bytes at the unique occurrence of `pattern` (plus `skip`) in a body; a
 * pattern that is absent or not unique means a v86 build this patch was not written for.
 */
function replaceUnique(body: Uint8Array, what: string, pattern: readonly number[], skip: number, length: number, replacement: readonly number[]): Uint8Array {
  const at = indexOfPattern(body, pattern);
  if (at < 0 || indexOfPattern(body, pattern, at + 1) >= 0) throw new Error(`v86 wasm patch: ${what} not found exactly once (unsupported v86 build)`);
  const out = new Uint8Array(body.length - length + replacement.length);
  out.set(body.subarray(0, at + skip), 0);
  out.set(replacement, at + skip);
  out.set(body.subarray(at + skip + length), at + skip + replacement.length);
  return out;
}

function globalInit(type: number, init: number): number[] {
  if (type === TYPE_I32) return [TYPE_I32, 1, OP_I32_CONST, ...s32Leb(init), OP_END];
  const f = new Uint8Array(new Float64Array([init]).buffer);
  return [TYPE_F64, 1, 0x44, ...f, OP_END];
}

/** Returns the patched module's bytes; throws a one-line error for an unrecognised build. */
export function patchV86Wasm(original: Uint8Array): Uint8Array {
  const sections = readSections(original);
  const importBody = section(sections, SECTION_IMPORT).body;
  const { functions: importedFunctions, globals: importedGlobals } = countImports(importBody);
  const globalSection = section(sections, SECTION_GLOBAL);
  const firstNewGlobal = importedGlobals + vectorOf(globalSection.body).count;
  const g = Object.fromEntries(PATCH_GLOBALS.map((def, i) => [def.name, firstNewGlobal + i])) as Record<PatchGlobalName, number>;
  const globalGet = (name: PatchGlobalName): number[] => [OP_GLOBAL_GET, ...u32Leb(g[name])];
  const globalSet = (name: PatchGlobalName): number[] => [OP_GLOBAL_SET, ...u32Leb(g[name])];

  const mainLoop = exportedFunction(section(sections, SECTION_EXPORT).body, 'main_loop');
  const callInterruptVector = namedFunction(sections, '21call_interrupt_vector');
  const doPageWalk = namedFunction(sections, '12do_page_walk');

  const functionSection = section(sections, SECTION_FUNCTION);
  const typeSection = section(sections, SECTION_TYPE);
  const typeOf = (params: number[], results: number[]): number => {
    const found = findType(typeSection.body, params, results);
    if (found !== undefined) return found;
    const added = vectorOf(typeSection.body).count;
    typeSection.body = appendToVector(typeSection.body, 1, [0x60, ...u32Leb(params.length), ...params, ...u32Leb(results.length), ...results]);
    return added;
  };
  const loopSlow = importedFunctions + vectorOf(functionSection.body).count;
  const innerSlow = loopSlow + 1;
  const checkType = u32Leb(typeOf([], [TYPE_I32]));
  functionSection.body = appendToVector(functionSection.body, 2, [...checkType, ...checkType]);

  const codeSection = section(sections, SECTION_CODE);
  const code = readCode(codeSection.body);
  const mainIndex = mainLoop - importedFunctions;
  const civIndex = callInterruptVector - importedFunctions;

  let main = code.bodies[mainIndex]!;
  // main_loop reads in_hlt (a byte at 616) and the linear EIP (a dword at 556) where this patch
  // expects them: checked so the layout the breakpoint test relies on is the one it was written for.
  if (indexOfPattern(main, [OP_I32_CONST, 0, 0x2d, 0x00, ...u32Leb(OFFSET_IN_HLT)]) < 0) throw new Error(`v86 wasm patch: main_loop does not read in_hlt at offset ${OFFSET_IN_HLT} (unsupported v86 build)`);
  if (indexOfPattern(main, [OP_I32_CONST, 0, OP_I32_LOAD, 0x02, ...u32Leb(OFFSET_INSTRUCTION_POINTER)]) < 0) throw new Error(`v86 wasm patch: main_loop does not read the instruction pointer at offset ${OFFSET_INSTRUCTION_POINTER} (unsupported v86 build)`);
  const takeStep = [...globalGet('xvc_cycles'), OP_I32_CONST, 1, OP_I32_SUB, ...globalSet('xvc_cycles')];
  const stopOrBreakpoints = [...globalGet('xvc_stop'), ...globalGet('xvc_bp_count'), OP_I32_OR];
  // `instruction_counter - start < LOOP_COUNTER (100003)`: the slice test of do_many_cycles.
  main = replaceUnique(main, 'the LOOP_COUNTER test', [OP_I32_CONST, ...s32Leb(100003), OP_I32_LT_U], 0, 1 + s32Leb(100003).length + 1, [
    ...globalGet('xvc_budget'), OP_I32_LT_U,
    ...takeStep,
    ...globalGet('xvc_cycles'), OP_I32_CONST, 0, OP_I32_GT_S, OP_I32_AND,
    ...stopOrBreakpoints, OP_IF, TYPE_I32, OP_CALL, ...u32Leb(loopSlow), OP_ELSE, OP_I32_CONST, 1, OP_END,
    OP_I32_AND,
  ]);
  // `(eip ^ start_eip) >= 4096; br_if`: the interpreter's same-page test; true ends the run.
  main = replaceUnique(main, 'the interpreter page test', [0x73, OP_I32_CONST, ...s32Leb(4096), OP_I32_GE_U, OP_BR_IF], 1, 1 + s32Leb(4096).length + 1, [
    OP_I32_CONST, ...s32Leb(4096), OP_I32_GE_U,
    ...globalGet('xvc_cycles'), OP_I32_CONST, 2, OP_I32_LT_S, OP_I32_OR,
    OP_IF, TYPE_I32,
    OP_I32_CONST, 1,
    OP_ELSE,
    ...stopOrBreakpoints, OP_IF, TYPE_I32, OP_CALL, ...u32Leb(innerSlow), OP_ELSE, ...takeStep, OP_I32_CONST, 0, OP_END,
    OP_END,
  ]);
  // `i < INTERPRETER_ITERATION_LIMIT (100001)`.
  main = replaceUnique(main, 'the interpreter iteration limit', [OP_I32_CONST, ...s32Leb(100001), OP_I32_LT_U], 0, 1 + s32Leb(100001).length, globalGet('xvc_inner_limit'));
  // `now - start > TIME_PER_FRAME (1.0 ms)`.
  main = replaceUnique(main, 'the TIME_PER_FRAME test', [0x44, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0x64], 0, 9, globalGet('xvc_frame_ms'));
  code.bodies[mainIndex] = main;

  // call_interrupt_vector(vector, is_software_int, has_error_code, error_code): the prologue.
  const civ = code.bodies[civIndex]!;
  const start = instructionsStart(civ);
  const prologue = [
    ...globalGet('xvc_stop_on_exception'), OP_IF, BLOCK_EMPTY,
    OP_LOCAL_GET, 1, OP_I32_EQZ, OP_IF, BLOCK_EMPTY,
    OP_LOCAL_GET, 0, ...globalSet('xvc_exc_vector'),
    OP_LOCAL_GET, 2, ...globalSet('xvc_exc_has_error'),
    OP_LOCAL_GET, 3, ...globalSet('xvc_exc_error'),
    OP_I32_CONST, 1, ...globalSet('xvc_stop'),
    OP_RETURN,
    OP_END,
    OP_END,
  ];
  const patchedCiv = new Uint8Array(civ.length + prologue.length);
  patchedCiv.set(civ.subarray(0, start), 0);
  patchedCiv.set(prologue, start);
  patchedCiv.set(civ.subarray(start), start + prologue.length);
  code.bodies[civIndex] = patchedCiv;

  // Returns `hit` from the function when the linear EIP is in the breakpoint table; uses locals
  // `index` and `eip`.
  const breakpointCheck = (hit: number, index: number, eip: number): number[] => [
    ...globalGet('xvc_bp_count'), OP_IF, BLOCK_EMPTY,
    OP_I32_CONST, 0, OP_I32_LOAD, 2, ...u32Leb(OFFSET_INSTRUCTION_POINTER), OP_LOCAL_SET, eip,
    OP_I32_CONST, 0, OP_LOCAL_SET, index,
    OP_LOOP, BLOCK_EMPTY,
    ...globalGet('xvc_bp_table'), OP_LOCAL_GET, index, OP_I32_CONST, 2, OP_I32_SHL, OP_I32_ADD, OP_I32_LOAD, 2, 0,
    OP_LOCAL_GET, eip, OP_I32_EQ, OP_IF, BLOCK_EMPTY, OP_I32_CONST, hit, OP_RETURN, OP_END,
    OP_LOCAL_GET, index, OP_I32_CONST, 1, OP_I32_ADD, OP_LOCAL_TEE, index, ...globalGet('xvc_bp_count'), OP_I32_LT_U, OP_BR_IF, 0,
    OP_END,
    OP_END,
  ];

  // xvc_loop_slow() -> i32, in the slice test: 0 ends the slice (a stop, or EIP at a breakpoint).
  const loopSlowBody = [
    1, 2, TYPE_I32,
    ...globalGet('xvc_stop'), OP_IF, BLOCK_EMPTY, OP_I32_CONST, 0, OP_RETURN, OP_END,
    ...breakpointCheck(0, 0, 1),
    OP_I32_CONST, 1,
    OP_END,
  ];
  // xvc_inner_slow() -> i32, before a further instruction: 1 ends the run of instructions (a
  // stop, or EIP at a breakpoint), else the instruction takes its step.
  const innerSlowBody = [
    1, 2, TYPE_I32,
    ...globalGet('xvc_stop'), OP_IF, BLOCK_EMPTY, OP_I32_CONST, 1, OP_RETURN, OP_END,
    ...breakpointCheck(1, 0, 1),
    ...takeStep,
    OP_I32_CONST, 0,
    OP_END,
  ];
  code.bodies.push(new Uint8Array(loopSlowBody), new Uint8Array(innerSlowBody));
  codeSection.body = writeCode(code);

  globalSection.body = appendToVector(globalSection.body, PATCH_GLOBALS.length, PATCH_GLOBALS.flatMap((def) => globalInit(def.type, def.init)));

  const exportSection = section(sections, SECTION_EXPORT);
  const newExports = [
    ...PATCH_GLOBALS.flatMap((def) => [...nameBytes(def.name), EXPORT_GLOBAL, ...u32Leb(g[def.name])]),
    ...nameBytes('xvc_do_page_walk'), EXPORT_FUNC, ...u32Leb(doPageWalk),
  ];
  exportSection.body = appendToVector(exportSection.body, PATCH_GLOBALS.length + 1, newExports);

  return writeSections(sections);
}
