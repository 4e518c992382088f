/**
 * `xvc exec IMAGE`: runs a flat guest image on the reference interpreter until HLT, a write
 * to the debug-exit port, or an instruction limit, then prints the final state and the
 * retired-instruction count. `--trace FILE` writes one JSON line per retired instruction.
 */

import { parseArgs } from 'node:util';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { CPU_MODEL_NAMES, decode, readPhys8, run, SEG_CS, SEGATTR_DB, type Interpreter, type StopReason } from '../../reference-emulator/index.ts';
import { loadGuest, readImage, type StartMode } from '../exec/guest-image.ts';
import { describeStop, formatState, formOf, snapshotState } from '../exec/state-format.ts';
import { parseChoice, parseNumber } from './args.ts';
import { UsageError } from './errors.ts';

const HELP = `usage: xvc exec IMAGE [options]
  --load-addr N          guest-physical load address (default 0x1000)
  --entry N              linear entry address (default: the load address)
  --mode real|prot32     start in real mode or flat 32-bit protected mode (default prot32)
  --cpu MODEL            ${CPU_MODEL_NAMES.join(', ')} (default modern)
  --max-instructions N   stop after N retired instructions (default 100000000)
  --trace FILE           write one JSON line per retired instruction
  --json                 print the result as JSON`;

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'load-addr': { type: 'string' },
      entry: { type: 'string' },
      mode: { type: 'string' },
      cpu: { type: 'string' },
      'max-instructions': { type: 'string' },
      trace: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('exec takes exactly one IMAGE argument');
  const path = positionals[0]!;
  const loadAddress = parseNumber('--load-addr', values['load-addr'], 0x1000);
  const entry = parseNumber('--entry', values.entry, loadAddress);
  const mode = parseChoice<StartMode>('--mode', values.mode, ['real', 'prot32'], 'prot32');
  const cpu = parseChoice('--cpu', values.cpu, CPU_MODEL_NAMES, 'modern');
  const maxInstructions = parseNumber('--max-instructions', values['max-instructions'], 100_000_000, Number.MAX_SAFE_INTEGER);

  const image = await readImage(path);
  const interp = loadGuest({ image, source: path, loadAddress, entry, mode, cpu });
  const stop = values.trace ? await runTraced(interp, maxInstructions, values.trace) : run(interp, { maxInstructions });
  const state = snapshotState(interp.machine.cpu);
  const consoleText = Buffer.from(interp.machine.consoleOutput).toString('latin1');
  if (values.json) {
    console.log(JSON.stringify({ image: path, cpu, mode, stop, instructions: state.icount, state, console: consoleText }, null, 2));
  } else {
    if (consoleText) process.stdout.write(`--- guest console ---\n${consoleText}${consoleText.endsWith('\n') ? '' : '\n'}---\n`);
    console.log(`stopped: ${describeStop(stop)} after ${state.icount} instructions`);
    console.log(formatState(state));
  }
  return stop.kind === 'exit-port' ? (stop.status === 1 ? 0 : 1) : 0;
}

/** Runs one instruction at a time, writing the instruction and the registers after it. */
async function runTraced(interp: Interpreter, maxInstructions: number, path: string): Promise<StopReason> {
  const out = createWriteStream(path);
  const m = interp.machine;
  const cpu = m.cpu;
  let stop: StopReason = { kind: 'limit' };
  for (let n = 0; n < maxInstructions; n++) {
    const eip = cpu.eip;
    const cs = cpu.segSel[SEG_CS]!;
    const csBase = cpu.segBase[SEG_CS]!;
    const code32 = (cpu.segAttr[SEG_CS]! & SEGATTR_DB) !== 0;
    let bytes = '';
    let form = '(fetch fault)';
    try {
      const insn = decode((offset) => readPhys8(m.mem, csBase + eip + offset), eip, { code32, model: m.model });
      for (let k = 0; k < insn.length; k++) bytes += readPhys8(m.mem, csBase + eip + k).toString(16).padStart(2, '0');
      form = formOf(insn.form).id;
    } catch {
      // The run itself reports the fault; the trace line just says the fetch failed.
    }
    const before = cpu.icount;
    stop = run(interp, { maxInstructions: 1 });
    const state = snapshotState(cpu);
    const line = { n: before, cs, eip, bytes, form, after: { ...state.regs, eip: state.eip, eflags: state.eflags } };
    if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
    if (stop.kind !== 'limit') break;
  }
  out.end();
  await once(out, 'finish');
  return stop;
}
