/**
 * The x86 I/O address space: 64 Ki byte-wide ports (SDM Vol. 1, 18.2 "I/O Port Addressing").
 * Word and dword accesses are split into byte accesses to consecutive ports, which is what an
 * ISA bus does for 8-bit devices. A port no device claims floats high and reads as all ones,
 * as on a PC (and as the SingleStepTests 80286 corpus expects of `IN`).
 */

export interface PortDevice {
  readonly name: string;
  /** Ports this device decodes. */
  readonly ports: readonly number[];
  read(port: number): number;
  write(port: number, value: number): void;
}

export interface PortBus {
  readonly devices: PortDevice[];
  /** Port -> device, for O(1) dispatch. */
  readonly byPort: Map<number, PortDevice>;
}

export function createPortBus(): PortBus {
  return { devices: [], byPort: new Map() };
}

export function attachDevice(bus: PortBus, device: PortDevice): void {
  // Check every port before claiming any, so a rejected device leaves the bus as it was.
  const seen = new Set<number>();
  for (const port of device.ports) {
    const owner = bus.byPort.get(port) ?? (seen.has(port) ? device : undefined);
    if (owner) throw new Error(`port 0x${port.toString(16)} is already claimed by ${owner.name}`);
    seen.add(port);
  }
  for (const port of device.ports) bus.byPort.set(port, device);
  bus.devices.push(device);
}

export function portIn8(bus: PortBus, port: number): number {
  const device = bus.byPort.get(port & 0xffff);
  return device ? device.read(port & 0xffff) & 0xff : 0xff;
}

export function portOut8(bus: PortBus, port: number, value: number): void {
  bus.byPort.get(port & 0xffff)?.write(port & 0xffff, value & 0xff);
}

export function portIn(bus: PortBus, port: number, bytes: 1 | 2 | 4): number {
  let value = 0;
  for (let i = 0; i < bytes; i++) value |= portIn8(bus, port + i) << (8 * i);
  return bytes === 4 ? value | 0 : value;
}

export function portOut(bus: PortBus, port: number, value: number, bytes: 1 | 2 | 4): void {
  for (let i = 0; i < bytes; i++) portOut8(bus, port + i, value >>> (8 * i));
}
