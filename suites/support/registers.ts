/**
 * General-register names in encoding order, register numbers 0-7 (SDM Vol. 2A, 2.1.5, Table
 * 2-2), typed in by hand so that tests name registers without taking the emulator's tables.
 */

export const REG32_NAMES = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const;
export const REG16_NAMES = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'] as const;

export type Reg32 = (typeof REG32_NAMES)[number];
export type Reg16 = (typeof REG16_NAMES)[number];

/** Name -> register number, from a table in encoding order. */
export function registerNumbers<Name extends string>(names: readonly Name[]): Readonly<Record<Name, number>> {
  return Object.fromEntries(names.map((name, number) => [name, number])) as Record<Name, number>;
}
