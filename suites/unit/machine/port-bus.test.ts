// Unit tests for reference-emulator/machine/port-bus.ts: the 64 Ki byte-wide I/O ports.
//
// Checked: an unclaimed port floats high (reads 0xFF per byte, SDM Vol. 1, 18.2 for the port
// space; the PC bus for the value) and swallows writes; word and dword accesses split into
// byte accesses to consecutive ports, low byte first, and port numbers wrap at 0x10000;
// attachDevice rejects a port clash with a one-line message naming the port and its owner,
// and a rejected device claims nothing.
// Oracle: recording devices written here. Left out: the standard devices (devices.test.ts).

import { expect } from 'chai';
import { attachDevice, createPortBus, portIn, portIn8, portOut, portOut8, type PortDevice } from '../../../reference-emulator/index.ts';

function recorder(name: string, ports: number[], value = (port: number) => port & 0xff): PortDevice & { log: Array<[number, number]> } {
  const log: Array<[number, number]> = [];
  return { name, ports, log, read: value, write: (port, v) => void log.push([port, v]) };
}

function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an exception');
}

describe('machine/port-bus', () => {
  it('an unclaimed port 0x1234 reads 0xFF, a word 0xFFFF, a dword 0xFFFFFFFF', () => {
    const bus = createPortBus();
    expect(portIn8(bus, 0x1234)).to.equal(0xff);
    expect(portIn(bus, 0x1234, 2)).to.equal(0xffff);
    expect(portIn(bus, 0x1234, 4) >>> 0).to.equal(0xffffffff);
  });

  it('a write to an unclaimed port 0x80 is dropped without error and reaches no device', () => {
    const bus = createPortBus();
    const dev = recorder('dev', [0x81]);
    attachDevice(bus, dev);
    portOut8(bus, 0x80, 0x12);
    expect(dev.log).to.deep.equal([]);
  });

  it('a dword write of 0x44332211 to 0x300 is four byte writes to 0x300-0x303, low byte first', () => {
    const bus = createPortBus();
    const dev = recorder('dev', [0x300, 0x301, 0x302, 0x303]);
    attachDevice(bus, dev);
    portOut(bus, 0x300, 0x44332211, 4);
    expect(dev.log).to.deep.equal([[0x300, 0x11], [0x301, 0x22], [0x302, 0x33], [0x303, 0x44]]);
    expect(portIn(bus, 0x301, 2)).to.equal(0x0201);
  });

  it('a word read at 0x302 with only 0x302 claimed: the high byte floats, 0xFF02', () => {
    const bus = createPortBus();
    attachDevice(bus, recorder('dev', [0x302]));
    expect(portIn(bus, 0x302, 2)).to.equal(0xff02);
  });

  it('port numbers wrap at 0x10000: a word read at 0xFFFF reads ports 0xFFFF and 0x0000 (0x12FF)', () => {
    const bus = createPortBus();
    attachDevice(bus, recorder('low', [0x0000], () => 0x12));
    expect(portIn(bus, 0xffff, 2)).to.equal(0x12ff);
  });

  it('a device reading more than a byte is cut to 8 bits: 0x1AB reads as 0xAB', () => {
    const bus = createPortBus();
    attachDevice(bus, recorder('wide', [0x60], () => 0x1ab));
    expect(portIn8(bus, 0x60)).to.equal(0xab);
  });

  it('attachDevice rejects a clash on 0x3FB with one line naming the port and the owner', () => {
    const bus = createPortBus();
    attachDevice(bus, recorder('uart', [0x3f8, 0x3f9, 0x3fa, 0x3fb]));
    const e = caught(() => attachDevice(bus, recorder('modem', [0x3fb])));
    expect(e.message).to.equal('port 0x3fb is already claimed by uart');
  });

  it('a rejected device claims nothing: after a clash on 0x3FB, its port 0x2F8 still floats (0xFF)', () => {
    const bus = createPortBus();
    const uart = recorder('uart', [0x3fb]);
    attachDevice(bus, uart);
    const late = recorder('late', [0x2f8, 0x3fb]);
    expect(() => attachDevice(bus, late)).to.throw('port 0x3fb is already claimed by uart');
    expect(portIn8(bus, 0x2f8)).to.equal(0xff);
    expect(bus.devices.map((d) => d.name)).to.deep.equal(['uart']);
    expect(() => attachDevice(bus, recorder('other', [0x2f8]))).to.not.throw();
  });

  it('a device that lists port 0x70 twice is rejected', () => {
    const bus = createPortBus();
    expect(() => attachDevice(bus, recorder('rtc', [0x70, 0x71, 0x70]))).to.throw('port 0x70 is already claimed by rtc');
    expect(portIn8(bus, 0x71)).to.equal(0xff);
  });
});
