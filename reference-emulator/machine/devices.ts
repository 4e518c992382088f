/**
 * The guest-visible devices every xvc machine has:
 * - a debug console at port 0xE9 (the Bochs/QEMU "port E9 hack": each byte written is output);
 * - a 16550-style UART at 0x3F8 (COM1). Only what a polled driver needs is modelled: THR/RBR,
 *   IER, IIR/FCR, LCR, MCR, LSR (THR empty, transmitter idle, no data ready), MSR, SCR and the
 *   divisor latch behind LCR.DLAB (National Semiconductor PC16550D data sheet, register table).
 *   Interrupts, FIFOs and receive are not modelled;
 * - a debug-exit port at 0xF4 in the manner of QEMU's isa-debug-exit: writing V ends the run
 *   with exit status (V << 1) | 1, so a guest can report pass or fail to the harness.
 */

import type { PortDevice } from './port-bus.ts';

export const PORT_DEBUG_CONSOLE = 0xe9;
export const PORT_COM1 = 0x3f8;
export const PORT_DEBUG_EXIT = 0xf4;

export interface OutputSink {
  (byte: number): void;
}

export function createDebugConsole(sink: OutputSink): PortDevice {
  return {
    name: 'debug-console',
    ports: [PORT_DEBUG_CONSOLE],
    read: () => PORT_DEBUG_CONSOLE, // Bochs returns 0xE9 so a guest can detect the port
    write: (_port, value) => sink(value),
  };
}

const LSR_THR_EMPTY = 0x20;
const LSR_TRANSMITTER_IDLE = 0x40;
const LCR_DLAB = 0x80;

export function createUart16550(base: number, sink: OutputSink): PortDevice {
  const regs = { ier: 0, lcr: 0, mcr: 0, scr: 0, dll: 0x0c, dlm: 0 };
  return {
    name: `uart16550@0x${base.toString(16)}`,
    ports: [0, 1, 2, 3, 4, 5, 6, 7].map((offset) => base + offset),
    read(port) {
      const dlab = (regs.lcr & LCR_DLAB) !== 0;
      switch (port - base) {
        case 0: return dlab ? regs.dll : 0; // no received data
        case 1: return dlab ? regs.dlm : regs.ier;
        case 2: return 0x01; // IIR: no interrupt pending, FIFOs off
        case 3: return regs.lcr;
        case 4: return regs.mcr;
        case 5: return LSR_THR_EMPTY | LSR_TRANSMITTER_IDLE;
        case 6: return 0xb0; // MSR: DCD, DSR, CTS asserted, so polled drivers do not wait
        default: return regs.scr;
      }
    },
    write(port, value) {
      const dlab = (regs.lcr & LCR_DLAB) !== 0;
      switch (port - base) {
        case 0: if (dlab) regs.dll = value; else sink(value); break;
        case 1: if (dlab) regs.dlm = value; else regs.ier = value & 0x0f; break;
        case 3: regs.lcr = value; break;
        case 4: regs.mcr = value & 0x1f; break;
        case 7: regs.scr = value; break;
        default: break; // FCR and read-only registers
      }
    },
  };
}

/**
 * The exit status a write of `value` to the debug-exit port gives, (low byte << 1) | 1 as
 * isa-debug-exit's. Exported so that subjects which trap the port themselves (v86, qemu when
 * single-stepping) report the same status as this device.
 */
export function debugExitStatus(value: number): number {
  return ((value & 0xff) << 1) | 1;
}

export function createDebugExit(onExit: (status: number) => void): PortDevice {
  return {
    name: 'debug-exit',
    ports: [PORT_DEBUG_EXIT],
    read: () => 0xff,
    write: (_port, value) => onExit(debugExitStatus(value)),
  };
}
