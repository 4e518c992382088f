/**
 * JUnit XML for CI systems (Jenkins, GitLab, GitHub test reporters), built with xmlbuilder2 so
 * escaping and structure are the library's job. One <testsuite> per suite area; the five outcomes
 * map as CI tools expect: fail -> <failure>, error -> <error type="kind">, skip and known-fail ->
 * <skipped message> (known-fail says so in the message, since JUnit has no expected-failure state).
 *
 * Models no hardware.
 */

import { create } from 'xmlbuilder2';
import type { Outcome } from './tap-writer.ts';

export interface JunitCase {
  name: string;
  outcome: Outcome;
  reason?: string;
  errorKind?: string;
  ms: number;
  /** Extra text for failures (diffs, the shrunk counterexample). */
  detail?: string;
}

const area = (name: string): string => name.split('/', 1)[0] ?? name;
const seconds = (ms: number): string => (ms / 1000).toFixed(3);

export function toJunit(subject: string, cases: readonly JunitCase[], timestamp = new Date()): string {
  const groups = new Map<string, JunitCase[]>();
  for (const c of cases) {
    const key = area(c.name);
    const list = groups.get(key);
    if (list) list.push(c);
    else groups.set(key, [c]);
  }
  const count = (list: readonly JunitCase[], ...outcomes: Outcome[]): number => list.filter((c) => outcomes.includes(c.outcome)).length;
  const totalMs = cases.reduce((sum, c) => sum + c.ms, 0);
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('testsuites', {
    name: `xvc (${subject})`,
    tests: cases.length,
    failures: count(cases, 'fail'),
    errors: count(cases, 'error'),
    skipped: count(cases, 'skip', 'known-fail'),
    time: seconds(totalMs),
  });
  for (const [name, list] of groups) {
    const suite = root.ele('testsuite', {
      name,
      tests: list.length,
      failures: count(list, 'fail'),
      errors: count(list, 'error'),
      skipped: count(list, 'skip', 'known-fail'),
      time: seconds(list.reduce((sum, c) => sum + c.ms, 0)),
      timestamp: timestamp.toISOString().replace(/\.\d+Z$/, ''),
    });
    suite.ele('properties').ele('property', { name: 'subject', value: subject });
    for (const c of list) {
      const testcase = suite.ele('testcase', { classname: `xvc.${subject}.${name}`, name: c.name, time: seconds(c.ms) });
      const message = c.reason ?? '';
      if (c.outcome === 'fail') testcase.ele('failure', { message, type: 'fail' }).txt(c.detail ?? message);
      else if (c.outcome === 'error') testcase.ele('error', { message, type: c.errorKind ?? 'harness' }).txt(c.detail ?? message);
      else if (c.outcome === 'skip') testcase.ele('skipped', { message });
      else if (c.outcome === 'known-fail') testcase.ele('skipped', { message: `known-fail: ${message}` });
    }
  }
  return root.end({ prettyPrint: true });
}
