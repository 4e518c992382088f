// Unit tests for reference-emulator/machine/devices.ts as createMachine wires them up: the
// debug console at 0xE9, the 16550 UART at 0x3F8 (COM1) and the debug-exit port at 0xF4.
//
// Checked: the UART's LSR reports THR empty and transmitter idle with no data ready (National
// Semiconductor PC16550D data sheet: LSR bits 5, 6 and 0), THR bytes reach the output, DLAB
// switches 0x3F8/0x3F9 to the divisor latch; the debug console collects bytes in order and
// reads 0xE9 (Bochs); a word write to 0xE9 outputs only its low byte (0xEA is unclaimed); the
// debug-exit port turns V into status (V << 1) | 1 (QEMU isa-debug-exit) and requests a stop;
// and createMachine claims exactly these ports.
// Oracle: the data sheet's register map and the ports' documented behaviour, typed in here.
// Left out: UART interrupts, FIFOs and receive (not modelled).

import { expect } from 'chai';
import { createMachine, portIn8, portOut, portOut8, STOP_EXIT_PORT } from '../../../reference-emulator/index.ts';

const text = (bytes: number[]): string => Buffer.from(bytes).toString('latin1');

describe('machine/devices', () => {
  it('UART LSR (0x3FD) = 0x60: THR empty (bit 5), transmitter idle (bit 6), no data ready (bit 0 clear)', () => {
    const m = createMachine();
    const lsr = portIn8(m.ports, 0x3fd);
    expect(lsr, 'no error, break or FIFO bits either').to.equal(0x60);
    expect(lsr & 0x20, 'THR empty').to.equal(0x20);
    expect(lsr & 0x40, 'transmitter idle').to.equal(0x40);
    expect(lsr & 0x01, 'data ready').to.equal(0);
  });

  it("UART THR (0x3F8): 'h' 'i' written with DLAB clear reach the console output", () => {
    const m = createMachine();
    portOut8(m.ports, 0x3f8, 0x68);
    portOut8(m.ports, 0x3f8, 0x69);
    expect(text(m.consoleOutput)).to.equal('hi');
  });

  it('UART with LCR.DLAB (0x80) set: 0x3F8/0x3F9 are the divisor latch (0x01, 0x00 read back), nothing is output', () => {
    const m = createMachine();
    portOut8(m.ports, 0x3fb, 0x83);
    portOut8(m.ports, 0x3f8, 0x01);
    portOut8(m.ports, 0x3f9, 0x00);
    expect([portIn8(m.ports, 0x3f8), portIn8(m.ports, 0x3f9)]).to.deep.equal([0x01, 0x00]);
    expect(m.consoleOutput).to.deep.equal([]);
    portOut8(m.ports, 0x3fb, 0x03);
    portOut8(m.ports, 0x3f8, 0x41);
    expect(text(m.consoleOutput)).to.equal('A');
  });

  it("debug console (0xE9) collects 'x' 'v' 'c' 0x0A in order and reads back 0xE9", () => {
    const m = createMachine();
    for (const b of [0x78, 0x76, 0x63, 0x0a]) portOut8(m.ports, 0xe9, b);
    expect(text(m.consoleOutput)).to.equal('xvc\n');
    expect(portIn8(m.ports, 0xe9)).to.equal(0xe9);
  });

  it('a word write of 0x4241 to 0xE9 outputs only 0x41: the high byte goes to unclaimed 0xEA', () => {
    const m = createMachine();
    portOut(m.ports, 0xe9, 0x4241, 2);
    expect(m.consoleOutput).to.deep.equal([0x41]);
  });

  it('debug exit (0xF4): writing 0x2A sets exitStatus 0x55 and requests STOP_EXIT_PORT; it reads 0xFF', () => {
    const m = createMachine();
    expect(m.stop).to.equal(0);
    portOut8(m.ports, 0xf4, 0x2a);
    expect(m.exitStatus).to.equal(0x55);
    expect(m.stop).to.equal(STOP_EXIT_PORT);
    expect(portIn8(m.ports, 0xf4)).to.equal(0xff);
  });

  it('createMachine claims exactly 0xE9, 0xF4 and 0x3F8-0x3FF', () => {
    const m = createMachine();
    const claimed = [...m.ports.byPort.keys()].sort((a, b) => a - b);
    expect(claimed).to.deep.equal([0xe9, 0xf4, 0x3f8, 0x3f9, 0x3fa, 0x3fb, 0x3fc, 0x3fd, 0x3fe, 0x3ff]);
    expect(portIn8(m.ports, 0x2f8), 'COM2 is not there').to.equal(0xff);
  });
});
