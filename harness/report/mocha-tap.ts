/**
 * A mocha reporter that writes `npm test`'s TAP with the five outcomes of DESIGN.md, through
 * tap-parser's `stringify` (the same serialiser as `xvc run`), because mocha's own TAP
 * reporter cannot say why a test was skipped and has no TODO directive for known failures.
 *
 * A test reports its outcome by marking itself (suites/support/outcome.ts): a skip or a
 * known-fail carries its reason, and an error carries its kind. An unmarked pending test is a
 * skip whose reason is missing, written as such so the test script can refuse it.
 *
 * Models no hardware. Loaded by mocha as `--reporter harness/report/mocha-tap.ts`.
 */

import Mocha from 'mocha';
import { Parser } from 'tap-parser';
import { MISSING_SKIP_REASON, OUTCOME_MARK, type OutcomeMark } from './outcome-mark.ts';

const { EVENT_RUN_BEGIN, EVENT_RUN_END, EVENT_TEST_FAIL, EVENT_TEST_PASS, EVENT_TEST_PENDING } = Mocha.Runner.constants;

type TapEvent = Parameters<typeof Parser.stringify>[0][number];

function markOf(test: Mocha.Test): OutcomeMark | undefined {
  return (test as unknown as Record<string, OutcomeMark | undefined>)[OUTCOME_MARK];
}

function errorDiag(err: unknown): Record<string, unknown> {
  const e = err as { message?: unknown; stack?: unknown; xvcErrorKind?: unknown };
  const diag: Record<string, unknown> = { message: String(e?.message ?? err) };
  if (typeof e?.stack === 'string') diag.stack = e.stack;
  if (typeof e?.xvcErrorKind === 'string') diag.kind = e.xvcErrorKind;
  return diag;
}

class XvcTapReporter extends Mocha.reporters.Base {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    let id = 0;
    const write = (events: TapEvent[]): void => void process.stdout.write(Parser.stringify(events));
    const assert = (test: Mocha.Test, ok: boolean, extra: { skip?: string; todo?: string; diag?: Record<string, unknown> }): void => {
      id++;
      write([['assert', { ok, id, name: test.fullTitle(), skip: extra.skip ?? false, todo: extra.todo ?? false, diag: extra.diag ?? null }] as TapEvent]);
    };
    runner.once(EVENT_RUN_BEGIN, () => write([['version', 14] as TapEvent]));
    runner.on(EVENT_TEST_PASS, (test) => assert(test, true, {}));
    runner.on(EVENT_TEST_FAIL, (test, err) => assert(test, false, { diag: errorDiag(err) }));
    runner.on(EVENT_TEST_PENDING, (test) => {
      const mark = markOf(test);
      if (mark?.outcome === 'known-fail') assert(test, false, { todo: mark.reason });
      else assert(test, true, { skip: mark?.reason ?? MISSING_SKIP_REASON });
    });
    runner.once(EVENT_RUN_END, () => write([['plan', { start: 1, end: id, comment: '' }] as TapEvent]));
  }
}

export default XvcTapReporter;
