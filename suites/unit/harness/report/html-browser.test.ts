// The HTML report page (harness/report/html.ts) in a real browser: headless chromium through
// playwright-core, loading the page from a file:// URL as a user opening <run folder>/index.html.
//
// Checked: no console error, page error, dialog or network request beyond the file itself; the
// matrix renders one row per suite and one column per subject with the fixture's numbers, and a
// failing cell is coloured differently from a passing one; each chart's SVG has the expected data
// marks with their values and visible, proportional sizes; a divergence opens on click and shows
// its program text (with `<`, `&` and quotes as text); the history charts have one series per
// subject; the page does not overflow sideways at 1400 or 900 px. A full-page screenshot goes to
// reports/page-check.png for a person to look at.
// Oracle: the fixture (fixtures/html/page-fixture.ts) and its hand-written expected numbers.
// Left out: visual taste. One browser per file (before/after). Without chromium the tests skip
// with the reason, except under CI=true, where a missing browser fails the run by name.

import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderReportPage } from '../../../../harness/report/html.ts';
import { needTool } from '../../../support/outcome.ts';
import { fixtureHistory, fixtureMatrix, HISTORY_PASS, SUBJECTS, SUITES } from './fixtures/html/page-fixture.ts';

const reportsDir = fileURLToPath(new URL('../../../../reports/', import.meta.url));

describe('HTML report page in a real browser (chromium)', function () {
  this.timeout(60_000);
  const executablePath = process.env['XVC_CHROMIUM'] ?? '/usr/bin/chromium';
  let browser: Browser | undefined;
  let page: Page;
  let dir = '';
  let pageUrl = '';
  const problems: string[] = [];
  const matrix = fixtureMatrix();

  before(async function () {
    needTool(this, 'the page\'s browser check', existsSync(executablePath) ? undefined : `chromium not found at ${executablePath}: apt-get install chromium, or set XVC_CHROMIUM`);
    dir = await mkdtemp(join(tmpdir(), 'xvc-html-browser-'));
    const file = join(dir, 'index.html');
    await writeFile(file, renderReportPage({ matrix, history: fixtureHistory(), historyProblems: ['history.jsonl line 7: not JSON'] }));
    pageUrl = pathToFileURL(file).href;
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'], headless: true });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('request', (request) => {
      if (request.url() !== pageUrl) problems.push(`request: ${request.url()}`);
    });
    await page.goto(pageUrl);
  });

  after(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('loads from file:// with no console error, page error, dialog or other request', async () => {
    expect(await page.title()).to.include('xvc report');
    expect(await page.getByTestId('summary').isVisible()).to.equal(true);
    expect(problems).to.deep.equal([]);
  });

  it('matrix: one row per suite, one column per subject, the expected numbers in given cells', async () => {
    const table = page.getByTestId('matrix-table');
    expect(await table.locator('tbody tr[data-testid="matrix-row"]').count()).to.equal(SUITES.length);
    expect(await table.locator('thead tr').first().locator('th').count()).to.equal(1 + SUBJECTS.length);
    expect(await table.locator('[data-testid="matrix-subject"]').evaluateAll((ths) => ths.map((th) => th.getAttribute('data-subject')))).to.deep.equal([...SUBJECTS]);
    for (const row of await table.locator('tbody tr[data-testid="matrix-row"]').all()) expect(await row.locator('td').count()).to.equal(SUBJECTS.length);
    const slot = (suite: string, subject: string, outcome: string) => table.locator(`[data-testid="matrix-cell"][data-suite="${suite}"][data-subject="${subject}"] [data-outcome="${outcome}"]`).textContent();
    expect(await slot('isa/exceptions-real', 'qemu', 'fail')).to.equal('1');
    expect(await slot('isa/exceptions-real', 'qemu', 'known-fail')).to.equal('1');
    expect(await slot('isa/golden', 'unicorn', 'fail')).to.equal('2');
    expect(await slot('isa/golden', 'v86', 'skip')).to.equal('3');
    expect(await table.locator('[data-testid="matrix-total"][data-subject="reference"] [data-outcome="pass"]').textContent()).to.equal('8');
    const background = (suite: string, subject: string) => table.locator(`[data-testid="matrix-cell"][data-suite="${suite}"][data-subject="${subject}"]`).evaluate((td) => td.ownerDocument.defaultView?.getComputedStyle(td).backgroundColor);
    const failColour = await background('isa/golden', 'unicorn');
    expect(failColour).to.not.equal(await background('isa/golden', 'reference'));
    expect(failColour).to.not.equal('rgba(0, 0, 0, 0)');
  });

  it('a subject that could not start shows its reason as text', async () => {
    const note = page.locator('[data-testid="start-failure"][data-subject="v86"]');
    expect(await note.isVisible()).to.equal(true);
    expect(await note.textContent()).to.include('no BIOS image').and.to.include('<script>alert(1)</script> & "x"');
  });

  it('outcome and coverage charts have their data marks, valued and drawn to scale', async () => {
    const outcomes = page.locator('[data-testid="chart-outcomes"] .mark');
    expect(await outcomes.count()).to.equal(8);
    const values = await outcomes.evaluateAll((marks) => marks.map((m) => `${m.getAttribute('data-category')}/${m.getAttribute('data-series')}=${m.getAttribute('data-value')}`));
    expect(values).to.deep.equal(['reference/pass=8', 'qemu/pass=4', 'qemu/fail=2', 'qemu/error=1', 'qemu/known-fail=1', 'unicorn/pass=3', 'unicorn/fail=2', 'unicorn/skip=3']);
    const width = (category: string, series: string) => page.locator(`[data-testid="chart-outcomes"] .mark[data-category="${category}"][data-series="${series}"]`).evaluate((m) => m.getBoundingClientRect().width);
    const referencePass = await width('reference', 'pass');
    expect(referencePass).to.be.greaterThan(100);
    expect((await width('qemu', 'pass')) / referencePass).to.be.closeTo(0.5, 0.01);

    const coverage = page.locator('[data-testid="chart-coverage"] .mark');
    expect(await coverage.count()).to.equal(12);
    const qemu = matrix.subjects.find((s) => s.name === 'qemu');
    expect(await page.locator('[data-testid="chart-coverage"] .mark[data-category="qemu"][data-series="real"]').getAttribute('data-value')).to.equal(String(qemu?.coverage.real?.percent));
    expect(await page.locator('[data-testid="chart-coverage"] .mark[data-category="qemu"][data-series="real"]').evaluate((m) => m.getBoundingClientRect().width)).to.be.greaterThan(0);
  });

  it('history charts: one series per subject, five points each with the recorded counts', async () => {
    for (const id of ['chart-history-pass', 'chart-history-fail']) {
      const series = page.locator(`[data-testid="${id}"] g.series`);
      expect(await series.evaluateAll((groups) => groups.map((g) => g.getAttribute('data-series'))), id).to.deep.equal([...SUBJECTS]);
      for (const subject of SUBJECTS) expect(await page.locator(`[data-testid="${id}"] .mark[data-series="${subject}"]`).count(), `${id} ${subject}`).to.equal(5);
    }
    const referencePass = await page.locator('[data-testid="chart-history-pass"] .mark[data-series="reference"]').evaluateAll((marks) => marks.map((m) => Number(m.getAttribute('data-value'))));
    expect(referencePass).to.deep.equal(HISTORY_PASS['reference']);
    expect(await page.getByTestId('history-problems').textContent()).to.include('history.jsonl line 7: not JSON');
  });

  it('a divergence opens on click and shows its program text', async () => {
    const divergence = page.locator('[data-testid="divergence"][data-subject="qemu"][data-instance="isa/differential~real"]');
    const detail = divergence.getByTestId('divergence-detail');
    expect(await detail.isVisible()).to.equal(false);
    await divergence.locator('summary').click();
    expect(await detail.isVisible()).to.equal(true);
    const text = (await detail.textContent()) ?? '';
    expect(text).to.include('00001000  2e 83 25 40 40 00 00 00  and dword ptr cs:[0x4040], 0');
    expect(text).to.include('(flags < 0x100 & "IF" clear)');
    expect(await page.locator('[data-testid="divergence"]').count()).to.equal(matrix.divergences.length);
  });

  it('does not overflow sideways at 1400 or 900 px', async () => {
    for (const width of [1400, 900]) {
      await page.setViewportSize({ width, height: 900 });
      // A string expression: the test is type-checked without the DOM library.
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow, `at ${width} px`).to.be.at.most(0);
    }
    await page.setViewportSize({ width: 1400, height: 900 });
  });

  it('saves a full-page screenshot to reports/page-check.png', async () => {
    await mkdir(reportsDir, { recursive: true });
    const path = join(reportsDir, 'page-check.png');
    await page.screenshot({ path, fullPage: true });
    expect((await stat(path)).size).to.be.greaterThan(10_000);
    expect(problems).to.deep.equal([]);
  });
});
