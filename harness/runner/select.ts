/**
 * Instance selection for `xvc run`: `--suite PATTERN` (repeatable; a name, a prefix ending in
 * `/` or `~`, or a glob with `*`), `--grep REGEX` over names and tags, and `--shard` later.
 * Selecting nothing is an error, so a typo never passes as an empty green run.
 *
 * Models no hardware.
 */

import type { DiscoveredInstance } from '../suite/discover.ts';
import { UsageError } from '../cli/errors.ts';

function patternToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  // `isa/golden` selects the suite and its variations; `isa/` a whole area.
  return new RegExp(`^${escaped}${pattern.endsWith('/') || pattern.endsWith('*') ? '' : '(~.*)?'}${pattern.endsWith('/') ? '.*' : ''}$`);
}

export interface Selection {
  suites: readonly string[];
  grep?: string;
}

export function selectInstances(all: readonly DiscoveredInstance[], selection: Selection): DiscoveredInstance[] {
  let chosen = [...all];
  if (selection.suites.length > 0) {
    const patterns = selection.suites.map(patternToRegExp);
    chosen = chosen.filter(({ instance }) => patterns.some((p) => p.test(instance.name)));
  }
  if (selection.grep !== undefined) {
    let re: RegExp;
    try {
      re = new RegExp(selection.grep);
    } catch (error) {
      throw new UsageError(`--grep is not a valid regular expression: ${(error as Error).message}`);
    }
    chosen = chosen.filter(({ instance }) => re.test(instance.name) || instance.tags.some((t) => re.test(t)));
  }
  if (chosen.length === 0) {
    const asked = [...selection.suites.map((s) => `--suite ${s}`), ...(selection.grep !== undefined ? [`--grep ${selection.grep}`] : [])].join(' ');
    throw new UsageError(`no suite instance matches ${asked} (${all.length} instances exist; list them with 'xvc run --list')`);
  }
  return chosen;
}
