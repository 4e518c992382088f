// Unit tests for harness/report/tap-summary.ts: small hand-written TAP texts
// checking the counts, plan integrity and failure details that `npm test` bases
// its verdict on (a wrong summary here would make a red run look green).
// Uses node:assert (typed, no extra dependency) rather than chai.

import assert from 'node:assert/strict';
import { renderDiag, summarizeTap, type TapSummary } from '../../../../harness/report/tap-summary.ts';

/** Assert the given subset of a summary's fields. */
function expectCounts(s: TapSummary, want: Partial<TapSummary>): void {
  const got = Object.fromEntries(Object.keys(want).map((k) => [k, s[k as keyof TapSummary]]));
  assert.deepEqual(got, want);
}

describe('harness/report/tap-summary', () => {
  it('counts an all-passing stream with a trailing plan', () => {
    const s = summarizeTap('TAP version 13\nok 1 a\nok 2 b\nok 3 c\n# tests 3\n1..3\n');
    expectCounts(s, { pass: 3, fail: 0, skip: 0, todo: 0, total: 3, planOk: true, bailout: null });
    assert.deepEqual(s.failures, []);
    assert.deepEqual(s.problems, []);
  });

  it('accepts a leading plan', () => {
    expectCounts(summarizeTap('1..2\nok 1 a\nok 2 b\n'), { pass: 2, total: 2, planOk: true });
  });

  it('reports one failure with its YAML diagnostics (mocha TAP13 shape)', () => {
    const tap = [
      'TAP version 13',
      'ok 1 suite passes',
      'not ok 2 suite breaks',
      '  ---',
      '    message: |-',
      '      expected 1 to equal 2',
      '    stack: |-',
      '      AssertionError: expected 1 to equal 2',
      '          at Context.<anonymous> (suites/x.test.ts:3:5)',
      '  ...',
      '1..2',
      '',
    ].join('\n');
    const s = summarizeTap(tap);
    expectCounts(s, { pass: 1, fail: 1, total: 2, planOk: true });
    assert.equal(s.failures.length, 1);
    assert.equal(s.failures[0]?.name, 'suite breaks');
    // The stack repeats the message, so the message is not printed twice.
    assert.equal(
      s.failures[0]?.diag,
      'AssertionError: expected 1 to equal 2\n    at Context.<anonymous> (suites/x.test.ts:3:5)',
    );
  });

  it('counts SKIP directives as skipped, not passed', () => {
    const s = summarizeTap('ok 1 a\nok 2 b # SKIP -\nok 3 c # SKIP no unicorn\n1..3\n');
    expectCounts(s, { pass: 1, fail: 0, skip: 2, todo: 0, total: 3, planOk: true });
  });

  it('lists the skips that give no reason (bare, "-", or the reporter marker), which npm test refuses', () => {
    const s = summarizeTap('ok 1 a # SKIP\nok 2 b # SKIP -\nok 3 c # SKIP skipped without a reason\nok 4 d # SKIP no unicorn\n1..4\n');
    assert.deepEqual(s.skipsWithoutReason, ['a', 'b', 'c']);
  });

  it('counts a failure whose YAML block has a kind as an error', () => {
    const s = summarizeTap('not ok 1 a\n  ---\n  kind: timeout\n  ...\nnot ok 2 b\n1..2\n');
    expectCounts(s, { fail: 2, error: 1, total: 2, planOk: true });
  });

  it('counts TODO directives as todo, even when not ok', () => {
    const s = summarizeTap('ok 1 a\nnot ok 2 b # TODO known bug\nok 3 c # TODO fixed?\n1..3\n');
    expectCounts(s, { pass: 1, fail: 0, skip: 0, todo: 2, total: 3, planOk: true });
    assert.deepEqual(s.failures, []);
  });

  it('flags a truncated stream with no plan', () => {
    const s = summarizeTap('TAP version 13\nok 1 a\nnot ok 2 b\n');
    expectCounts(s, { pass: 1, fail: 1, total: 2, planOk: false });
    assert.ok(s.problems.includes('no plan'), s.problems.join());
  });

  it('flags a plan that does not match the number of tests', () => {
    const s = summarizeTap('1..3\nok 1 a\n');
    expectCounts(s, { pass: 1, fail: 0, total: 1, planOk: false });
    assert.ok(s.problems.includes('incorrect number of tests'), s.problems.join());
  });

  it('treats an empty stream as having no plan (not the parser\'s synthesised 1..0)', () => {
    expectCounts(summarizeTap(''), { total: 0, planOk: false });
  });

  it('accepts an explicit empty plan as a valid plan with zero tests', () => {
    expectCounts(summarizeTap('1..0\n'), { total: 0, planOk: true });
  });

  it('reports a bail-out and its reason', () => {
    const s = summarizeTap('ok 1 a\nBail out! emulator crashed\n');
    expectCounts(s, { bailout: 'emulator crashed', planOk: false });
  });

  it('ignores non-TAP lines such as console output from tests', () => {
    const s = summarizeTap('skipping: nasm not found\nok 1 a # SKIP nasm missing\nsome log line\nok 2 b\n1..2\n');
    expectCounts(s, { pass: 1, skip: 1, total: 2, planOk: true });
  });
});

describe('harness/report/tap-summary renderDiag', () => {
  it('renders nothing for missing diagnostics', () => {
    assert.equal(renderDiag(null), '');
    assert.equal(renderDiag(undefined), '');
  });

  it('keeps a message the stack does not contain, and other keys', () => {
    assert.equal(renderDiag({ message: 'boom', stack: 'at x', expected: 2 }), 'boom\nat x\nexpected: 2');
  });
});
