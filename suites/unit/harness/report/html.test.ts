// Tests of the HTML report page (harness/report/html.ts, charts.ts) from its text, without a
// browser, and of `xvc report html` (harness/cli/report-html.ts), in process and as a child
// process for its one-line errors.
//
// Checked: the page is self-contained (no external URL, no <link>, no script); the header
// names version, tier, seed and the overall counts; the matrix has one row per suite, one
// column per subject and the fixture's counts and worst outcome per cell; a subject that could
// not start says so with its reason; quirks and divergences are listed with their detail in a
// <pre>; a hostile reason is escaped everywhere; the charts carry one data mark per non-zero
// outcome, per mode and per history point; a short history says so in text; history problems
// are listed. The CLI reads a matrix.json and the history, keeps good history lines around a
// corrupt one, writes index.html, refuses a missing, non-JSON or foreign matrix.json with one
// line naming it, and leaves an existing page untouched when it refuses.
// Oracle: the fixture (fixtures/html/page-fixture.ts), whose expected numbers are written out
// by hand; the escaping rules of HTML. Left out: how the page looks (html-browser.test.ts).

import { expect } from 'chai';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dedent, formatDuration, renderReportPage, worstOutcome } from '../../../../harness/report/html.ts';
import { escapeHtml, niceTicks } from '../../../../harness/report/charts.ts';
import { main as reportHtml, matrixProblem, readMatrixFile } from '../../../../harness/cli/report-html.ts';
import { InputError } from '../../../../harness/cli/errors.ts';
import { expectOneLineError, runCli } from '../../../support/run-cli.ts';
import { fixtureHistory, fixtureMatrix, HOSTILE, SUBJECTS, SUITES, V86_START_FAILURE } from './fixtures/html/page-fixture.ts';

function count(html: string, needle: string): number {
  return html.split(needle).length - 1;
}

/** The opening tag of the element with these attributes (in this order), or undefined. */
function tagWith(html: string, ...attrs: string[]): string | undefined {
  const pattern = attrs.map((a) => a.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^>]*');
  return new RegExp(`<[a-z]+[^>]*${pattern}[^>]*>`).exec(html)?.[0];
}

/** The HTML of one matrix cell, from its attributes to its </td>. */
function cellHtml(html: string, suite: string, subject: string): string {
  const start = html.indexOf(`data-testid="matrix-cell" data-suite="${suite}" data-subject="${subject}"`);
  expect(start, `cell ${suite} x ${subject}`).to.be.greaterThan(-1);
  return html.slice(start, html.indexOf('</td>', start));
}

function slot(cell: string, outcome: string): number {
  const match = new RegExp(`data-outcome="${outcome}"[^>]*>(\\d+)<`).exec(cell);
  expect(match, `slot ${outcome} in ${cell}`).to.not.equal(null);
  return Number(match?.[1]);
}

describe('HTML report page (string checks)', () => {
  const matrix = fixtureMatrix();
  const page = renderReportPage({ matrix, history: fixtureHistory(), historyProblems: ['history.jsonl line 3: not JSON'] });

  it('is one self-contained document: no external URL, stylesheet link, font or script', () => {
    expect(page.startsWith('<!doctype html>')).to.equal(true);
    expect(page).to.match(/<style>[\s\S]+<\/style>/);
    expect(page).to.not.match(/<link\b/i);
    expect(page).to.not.match(/\b(?:src|href)="(?:https?:)?\/\//i);
    expect(page).to.not.match(/@import|url\(|@font-face/i);
    expect(page).to.not.match(/<script\b/i);
  });

  it('header names version, tier, seed, the subjects and the overall counts', () => {
    expect(page).to.include('data-testid="xvc-version">0.1.0<');
    expect(page).to.include('data-testid="tier">quick<');
    expect(page).to.include('data-testid="seed">7<');
    expect(page).to.include('data-testid="generated-at">2026-03-05 10:05:00 UTC<');
    for (const s of SUBJECTS) expect(page).to.include(`>${s}</span>`);
    const overall = page.slice(page.indexOf('data-testid="overall-counts"'), page.indexOf('</p>', page.indexOf('data-testid="overall-counts"')));
    // 8 + 4 + 3 pass; qemu 2 + unicorn 2 fail; 1 error; unicorn 3 + v86 8 skip; 1 known-fail.
    expect(overall).to.include('data-outcome="pass"><b>15</b>');
    expect(overall).to.include('data-outcome="fail"><b>4</b>');
    expect(overall).to.include('data-outcome="error"><b>1</b>');
    expect(overall).to.include('data-outcome="skip"><b>11</b>');
    expect(overall).to.include('data-outcome="known-fail"><b>1</b>');
    expect(overall).to.include('xvc: 15 passed, 5 failed, 12 skipped');
  });

  it('matrix: one row per suite, one column per subject, a cell for each pair', () => {
    expect(count(page, 'data-testid="matrix-row"')).to.equal(SUITES.length);
    expect(count(page, 'data-testid="matrix-subject"')).to.equal(SUBJECTS.length);
    expect(count(page, 'data-testid="matrix-cell"')).to.equal(SUITES.length * SUBJECTS.length);
    expect(count(page, 'data-testid="matrix-total"')).to.equal(SUBJECTS.length);
    for (const suite of SUITES) expect(page).to.include(`data-testid="matrix-row" data-suite="${suite}"`);
  });

  it('matrix cells hold the five counts and are coloured by their worst outcome', () => {
    const qemuExceptions = cellHtml(page, 'isa/exceptions-real', 'qemu');
    expect([slot(qemuExceptions, 'pass'), slot(qemuExceptions, 'fail'), slot(qemuExceptions, 'error'), slot(qemuExceptions, 'skip'), slot(qemuExceptions, 'known-fail')]).to.deep.equal([0, 1, 0, 0, 1]);
    expect(qemuExceptions).to.include('data-worst="fail"');
    expect(cellHtml(page, 'paging/access', 'qemu')).to.include('data-worst="error"');
    expect(cellHtml(page, 'isa/golden', 'reference')).to.include('data-worst="pass"');
    const unicornGolden = cellHtml(page, 'isa/golden', 'unicorn');
    expect([slot(unicornGolden, 'pass'), slot(unicornGolden, 'fail')]).to.deep.equal([1, 2]);
    expect(unicornGolden).to.include('3 instances');
    expect(cellHtml(page, 'paging/access', 'unicorn')).to.include('data-worst="skip"');
  });

  it('a subject that could not start is shown as such, with its reason escaped', () => {
    expect(tagWith(page, 'data-testid="matrix-subject"', 'data-subject="v86"', 'data-started="false"')).to.not.equal(undefined);
    expect(tagWith(page, 'data-testid="matrix-subject"', 'data-subject="qemu"', 'data-started="true"')).to.not.equal(undefined);
    expect(count(page, 'data-testid="start-failure"')).to.equal(1);
    expect(page).to.include(escapeHtml(V86_START_FAILURE));
    expect(page).to.include('could not start (8 skipped)');
  });

  it('lists each subject\'s declared quirks', () => {
    expect(page).to.include('data-testid="quirks" data-subject="qemu" data-count="2"');
    expect(page).to.include('data-testid="quirks" data-subject="reference" data-count="0"');
    expect(count(page, 'data-testid="quirk"')).to.equal(3);
  });

  it('divergences: one collapsible entry each, grouped by subject, with the program in a <pre>', () => {
    expect(count(page, 'data-testid="divergence"')).to.equal(matrix.divergences.length).and.to.equal(6);
    expect(page).to.include('data-testid="divergence-group" data-subject="qemu" data-count="4"');
    expect(page).to.include('data-testid="divergence-group" data-subject="unicorn" data-count="2"');
    expect(page).to.include('data-testid="no-divergences" data-subject="reference"');
    expect(page).to.match(/<details class="divergence"[^>]*data-instance="isa\/differential~real" data-outcome="fail" data-hash="[0-9a-f]+"/);
    // Dedented, escaped disassembly and field diff.
    expect(page).to.include('<pre data-testid="divergence-detail">00001000  2e 83 25 40 40 00 00 00  and dword ptr cs:[0x4040], 0\n00001008  f4');
    expect(page).to.include('(flags &lt; 0x100 &amp; &quot;IF&quot; clear)');
    expect(page).to.include('data-testid="error-kind">timeout<');
  });

  it('a waived failure shows its own summary and program, and the waiver with its link, escaped', () => {
    const first = matrix.divergences[0]!;
    const waived = { ...first, outcome: 'known-fail' as const, waiver: { reason: `accepted ${HOSTILE}`, link: 'https://example.org/bug?a=1&b=2' } };
    const page = renderReportPage({ matrix: { ...matrix, divergences: [waived, ...matrix.divergences.slice(1)] }, history: [] });
    const line = /<span class="waiver-line" data-testid="waiver">(.*?)<\/span>/.exec(page)?.[1];
    expect(line, 'one waiver line').to.be.a('string');
    expect(line).to.include(`accepted ${escapeHtml(HOSTILE)}`);
    expect(line).to.include('<a href="https://example.org/bug?a=1&amp;b=2">');
    expect(count(page, 'data-testid="waiver"')).to.equal(1);
  });

  it('escapes a hostile reason wherever it appears', () => {
    const hostile = renderReportPage({
      matrix: { ...matrix, tier: HOSTILE, suites: [...matrix.suites, HOSTILE] },
      history: [],
      historyProblems: [HOSTILE],
    });
    expect(hostile).to.not.include('<script>');
    expect(hostile).to.not.include(HOSTILE);
    expect(hostile).to.include('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;');
    // In an attribute value the quote must not end the attribute.
    expect(hostile).to.include(`data-suite="&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"`);
    expect(escapeHtml(`a'b`)).to.equal('a&#39;b');
  });

  it('outcome chart: one mark per non-zero outcome of each started subject, with its count', () => {
    const chart = page.slice(page.indexOf('data-testid="chart-outcomes"'), page.indexOf('</svg>', page.indexOf('data-testid="chart-outcomes"')));
    // reference 1 (pass), qemu 4 (pass, fail, error, known-fail), unicorn 3 (pass, fail, skip); v86 did not start.
    expect(count(chart, 'class="mark"')).to.equal(8);
    expect(chart).to.include('data-category="qemu" data-series="fail" data-value="2"');
    expect(chart).to.include('data-category="unicorn" data-series="skip" data-value="3"');
    expect(chart).to.not.include('data-category="v86"');
  });

  it('coverage chart: one mark per mode of each started subject, valued in percent', () => {
    const chart = page.slice(page.indexOf('data-testid="chart-coverage"'), page.indexOf('</svg>', page.indexOf('data-testid="chart-coverage"')));
    expect(count(chart, 'class="mark"')).to.equal(12);
    const qemuReal = matrix.subjects.find((s) => s.name === 'qemu')?.coverage.real;
    expect(qemuReal?.covered).to.equal(50);
    expect(chart).to.include(`data-category="qemu" data-series="real" data-value="${qemuReal?.percent}"`);
    expect(chart).to.include('data-category="qemu" data-series="v86" data-value="0"');
  });

  it('history charts: one series per subject, one point per run', () => {
    for (const id of ['chart-history-pass', 'chart-history-fail']) {
      const chart = page.slice(page.indexOf(`data-testid="${id}"`), page.indexOf('</svg>', page.indexOf(`data-testid="${id}"`)));
      expect(count(chart, '<g class="series"'), id).to.equal(4);
      expect(count(chart, '<circle class="mark"'), id).to.equal(20);
    }
    expect(page).to.match(/<circle class="mark" data-series="reference" data-value="6" data-time="2026-03-01T10:00:00.000Z"/);
    expect(page).to.not.include('data-testid="history-too-short"');
  });

  it('a history of fewer than 2 runs is said in text, not drawn empty; problems are listed', () => {
    const short = renderReportPage({ matrix, history: fixtureHistory().slice(0, 4), historyProblems: ['history.jsonl line 3: not JSON'] });
    expect(short).to.include('data-testid="history-too-short"');
    expect(short).to.include('1 point in time');
    expect(short).to.not.include('chart-history-pass');
    expect(short).to.match(/data-testid="history-problems"[\s\S]*history.jsonl line 3: not JSON/);
    expect(renderReportPage({ matrix, history: [] })).to.not.include('data-testid="history-problems"');
  });

  it('history of another tier is left out of the charts, and the page says so', () => {
    const mixed = [...fixtureHistory(), ...fixtureHistory().map((e) => ({ ...e, tier: 'full' }))];
    const html = renderReportPage({ matrix, history: mixed });
    expect(html).to.include('data-testid="history-other-tiers">20 entries of other tiers than quick left out');
    const chart = html.slice(html.indexOf('data-testid="chart-history-pass"'), html.indexOf('</svg>', html.indexOf('data-testid="chart-history-pass"')));
    expect(count(chart, '<circle class="mark"')).to.equal(20);
  });

  it('renders an empty matrix without throwing', () => {
    const empty = renderReportPage({ matrix: { ...matrix, subjects: [], suites: [], cells: [], divergences: [] }, history: [] });
    expect(empty).to.include('No suite ran.');
    expect(count(empty, 'data-testid="matrix-row"')).to.equal(0);
  });
});

describe('HTML report helpers', () => {
  it('worstOutcome follows the severity order error > fail > known-fail > skip > pass', () => {
    const none = { pass: 0, fail: 0, error: 0, skip: 0, 'known-fail': 0 };
    expect(worstOutcome(none)).to.equal(undefined);
    expect(worstOutcome({ ...none, pass: 3, skip: 1 })).to.equal('skip');
    expect(worstOutcome({ ...none, skip: 1, 'known-fail': 1 })).to.equal('known-fail');
    expect(worstOutcome({ ...none, fail: 1, 'known-fail': 4 })).to.equal('fail');
    expect(worstOutcome({ ...none, fail: 9, error: 1 })).to.equal('error');
  });

  it('formatDuration: ms, s, min', () => {
    expect(formatDuration(850.4)).to.equal('850 ms');
    expect(formatDuration(12_340)).to.equal('12.3 s');
    expect(formatDuration(243_000)).to.equal('4 min 3 s');
  });

  it('dedent removes only the indentation all non-blank lines share', () => {
    expect(dedent(['  a', '    b', '', '  c'])).to.deep.equal(['a', '  b', '', 'c']);
    expect(dedent(['a', '  b'])).to.deep.equal(['a', '  b']);
  });

  it('niceTicks: round steps from 0 past the maximum, whole numbers when asked', () => {
    expect(niceTicks(10)).to.deep.equal([0, 5, 10]);
    expect(niceTicks(13)).to.deep.equal([0, 5, 10, 15]);
    expect(niceTicks(3, 4, 1)).to.deep.equal([0, 1, 2, 3]);
    expect(niceTicks(0.8)).to.deep.equal([0, 0.2, 0.4, 0.6, 0.8]);
  });
});

describe('xvc report html', function () {
  this.timeout(60_000);
  let dir = '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xvc-report-html-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('matrixProblem names what a foreign file lacks', () => {
    expect(matrixProblem(fixtureMatrix())).to.equal(undefined);
    expect(matrixProblem([])).to.equal('not a JSON object');
    expect(matrixProblem({ schema: 'xvc-run/1' })).to.equal('schema is "xvc-run/1"');
    const { cells: _cells, ...noCells } = fixtureMatrix();
    expect(matrixProblem(noCells)).to.equal('cells is not a list');
  });

  it('writes RUN_FOLDER/index.html from matrix.json and a history with a bad line', async () => {
    const run = join(dir, 'run');
    await writeFile(join(dir, 'history.jsonl'), `${fixtureHistory().map((e) => JSON.stringify(e)).join('\n')}\nnot json at all\n`);
    await mkdir(run, { recursive: true });
    await writeFile(join(run, 'matrix.json'), JSON.stringify(fixtureMatrix()));
    const status = await reportHtml([run, '--history', join(dir, 'history.jsonl')]);
    expect(status).to.equal(0);
    const html = await readFile(join(run, 'index.html'), 'utf8');
    expect(count(html, 'data-testid="matrix-row"')).to.equal(SUITES.length);
    expect(html).to.include('history.jsonl line 21: not JSON');
    expect(html).to.include('data-testid="chart-history-pass"');
  });

  it('--out writes elsewhere; a missing --history file is an InputError', async () => {
    const run = join(dir, 'run');
    const out = join(dir, 'elsewhere', 'page.html');
    expect(await reportHtml([run, '--history', join(dir, 'history.jsonl'), '--out', out])).to.equal(0);
    expect(await readFile(out, 'utf8')).to.include('data-testid="matrix-table"');
    let thrown: unknown;
    try {
      await reportHtml([run, '--history', join(dir, 'nope.jsonl')]);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(InputError);
    expect((thrown as Error).message).to.include('nope.jsonl');
  });

  it('readMatrixFile refuses a missing, non-JSON or foreign matrix.json by name', async () => {
    const refused = async (path: string): Promise<string> => {
      try {
        await readMatrixFile(path);
      } catch (error) {
        expect(error).to.be.instanceOf(InputError);
        return (error as Error).message;
      }
      throw new Error(`${path} was accepted`);
    };
    expect(await refused(join(dir, 'absent', 'matrix.json'))).to.match(/absent\/matrix\.json does not exist/);
    await writeFile(join(dir, 'broken.json'), '{"schema": "xvc-matrix/1", ');
    expect(await refused(join(dir, 'broken.json'))).to.match(/broken\.json is not JSON$/);
    await writeFile(join(dir, 'foreign.json'), JSON.stringify({ schema: 'xvc-run/1' }));
    expect(await refused(join(dir, 'foreign.json'))).to.match(/foreign\.json is not an xvc-matrix\/1 report: schema is "xvc-run\/1"/);
  });

  it('CLI: a foreign matrix.json is one line naming the file, exit 1, and the old page stays', async () => {
    const run = join(dir, 'foreign-run');
    await mkdir(run, { recursive: true });
    await writeFile(join(run, 'matrix.json'), JSON.stringify({ schema: 'xvc-run/1', instances: [] }));
    await writeFile(join(run, 'index.html'), 'the page from before');
    const result = await runCli(['report', 'html', run, '--history', join(dir, 'history.jsonl')], 60_000);
    expectOneLineError(result, 1, /foreign-run\/matrix\.json is not an xvc-matrix\/1 report/);
    expect(await readFile(join(run, 'index.html'), 'utf8')).to.equal('the page from before');
  });

  it('CLI: a missing run folder is one line naming matrix.json, exit 1', async () => {
    const result = await runCli(['report', 'html', join(dir, 'no-such-run')], 60_000);
    expectOneLineError(result, 1, /no-such-run\/matrix\.json does not exist/);
  });
});
