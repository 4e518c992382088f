/**
 * V8 settings for running the reference emulator, applied by the harness entry points (the
 * `xvc` CLI and the benchmark) before any emulator code is optimised. Never set by the emulator
 * library itself, which holds no global state.
 *
 * The interpreter's block executor dispatches through one `switch` with a call site per form;
 * V8 inlines hot handlers into it until a cumulative bytecode budget (460 by default) runs out.
 * A larger budget lets more of the hot handlers inline: about +8% MIPS on ../shared/bench
 * (58-63 -> 63-68, measured on the 2-core benchmark machine). It changes speed only, never results.
 */

import { setFlagsFromString } from 'node:v8';

export const V8_FLAGS = '--max-inlined-bytecode-size-cumulative=20000 --max-inlined-bytecode-size-absolute=20000';

setFlagsFromString(V8_FLAGS);
