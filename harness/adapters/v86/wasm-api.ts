/**
 * The few WebAssembly JS-API types the v86 adapter uses (https://webassembly.github.io/spec/js-api/).
 * The project's type-check configuration has no DOM library and @types/node does not declare the
 * `WebAssembly` namespace, so this file types the global object once instead of casting at each use.
 *
 * Models no hardware.
 */

export interface WasmGlobal {
  value: number;
}

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}

/** A compiled module; opaque to the adapter. */
export interface WasmModule {
  readonly __wasmModule?: never;
}

export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

interface WasmNamespace {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  validate(bytes: Uint8Array): boolean;
  instantiate(module: WasmModule, imports: object): Promise<WasmInstance>;
  Global: abstract new (...args: never[]) => WasmGlobal;
}

export const Wasm: WasmNamespace = (globalThis as unknown as { WebAssembly: WasmNamespace }).WebAssembly;
