/**
 * The HTML report page of an `xvc run` (`<run folder>/index.html`): one static, self-contained
 * file drawn from the run's matrix (matrix.ts, `xvc-matrix/1`) and the run history
 * (reports/history.jsonl). It shows the run's header and overall counts, the suite x subject
 * matrix coloured by each cell's worst outcome, each subject's declared quirks, each subject's
 * divergences with their minimal programs, ISA coverage per mode, and charts of outcomes,
 * coverage and history. All styling is inline and there is no script, no font and no network
 * use, so the page works from file:// and in a CI artifact viewer. Every element a test reads
 * has a `data-testid`; every piece of text from the run goes through escapeHtml.
 *
 * Models no hardware.
 */

import type { IsaCoverage } from './isa-coverage.ts';
import type { Divergence, MatrixCell, MatrixReport, MatrixSubject, OutcomeCounts } from './matrix.ts';
import { closingLines, type Outcome } from './tap-writer.ts';
import { SEVERITY } from '../suite/model.ts';
import type { HistoryEntry } from './history.ts';
import { escapeHtml, groupedBarChart, lineChart, stackedBarChart, type LineSeries } from './charts.ts';

export interface ReportPageInput {
  matrix: MatrixReport;
  history: readonly HistoryEntry[];
  /** Lines of the history that could not be read, shown on the page rather than dropped. */
  historyProblems?: readonly string[];
}

/** Column order of the five outcomes everywhere on the page: best to worst but skip. */
export const OUTCOMES: readonly Outcome[] = ['pass', 'fail', 'error', 'skip', 'known-fail'];
export const MODES = ['real', 'prot16', 'prot32', 'v86'] as const;

/** Strong colours (bars, badges) chosen to stay apart for red-green colour blindness. */
const OUTCOME_COLOR: Record<Outcome, string> = { pass: '#2f8a4c', fail: '#d1382f', error: '#7b3fb0', skip: '#9aa1a9', 'known-fail': '#d39b12' };
const MODE_COLOR: Record<(typeof MODES)[number], string> = { real: '#3f72af', prot16: '#5fb0a8', prot32: '#e8893a', v86: '#a66ca0' };
/** Okabe-Ito colours for subjects, in matrix order, then history-only subjects. */
const SUBJECT_COLORS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#555555', '#8c6d1f'];

export function renderReportPage(input: ReportPageInput): string {
  const { matrix } = input;
  const colors = subjectColors(matrix, input.history);
  const title = `xvc report: ${matrix.subjects.map((s) => s.name).join(', ') || 'no subjects'} (tier ${matrix.tier}, seed ${matrix.seed})`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    header(matrix),
    '<nav class="toc"><a href="#matrix">Matrix</a><a href="#quirks">Quirks</a><a href="#charts">Outcomes</a><a href="#coverage">ISA coverage</a><a href="#history">History</a><a href="#divergences">Divergences</a></nav>',
    // Overview first, then the long per-divergence detail.
    matrixSection(matrix),
    quirksSection(matrix),
    chartsSection(matrix),
    historySection(matrix, input.history, input.historyProblems ?? [], colors),
    divergencesSection(matrix),
    `<footer>Written by xvc ${escapeHtml(matrix.xvcVersion)} from matrix.json (${escapeHtml(matrix.schema)}); a static page that needs no network.</footer>`,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function subjectColors(matrix: MatrixReport, history: readonly HistoryEntry[]): Map<string, string> {
  const names = [...new Set([...matrix.subjects.map((s) => s.name), ...history.map((h) => h.subject)])];
  return new Map(names.map((name, index) => [name, SUBJECT_COLORS[index % SUBJECT_COLORS.length] ?? '#555555']));
}

function sumCounts(all: readonly OutcomeCounts[]): OutcomeCounts {
  const total: OutcomeCounts = { pass: 0, fail: 0, error: 0, skip: 0, 'known-fail': 0 };
  for (const counts of all) for (const outcome of OUTCOMES) total[outcome] += counts[outcome];
  return total;
}

/** The most severe outcome with a non-zero count, or undefined for an empty cell. */
export function worstOutcome(counts: OutcomeCounts): Outcome | undefined {
  let worst: Outcome | undefined;
  for (const outcome of OUTCOMES) if (counts[outcome] > 0 && (worst === undefined || SEVERITY[outcome] > SEVERITY[worst])) worst = outcome;
  return worst;
}

/** `850 ms`, `12.3 s`, `4 min 3 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** ISO time as `2026-12-07 23:40:39 UTC`, the same on every machine (no locale). */
function formatTime(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : `${new Date(time).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}

function outcomeChips(counts: OutcomeCounts): string {
  return OUTCOMES.map((o) => `<span class="chip ${o}${counts[o] === 0 ? ' zero' : ''}" data-outcome="${o}"><b>${counts[o]}</b> ${o}</span>`).join('');
}

function header(matrix: MatrixReport): string {
  const total = sumCounts(matrix.subjects.map((s) => s.counts));
  const shard = matrix.shard === undefined ? '' : 'merged' in matrix.shard ? `merge of ${matrix.shard.merged} shards` : `shard ${matrix.shard.index} of ${matrix.shard.count}`;
  const subjects = matrix.subjects.map((s) => `<span class="subject-name${s.startFailure !== undefined ? ' not-started' : ''}">${escapeHtml(s.name)}</span>`).join(' ');
  const ciLine = closingLines(total)[1] ?? '';
  return `<header id="summary" data-testid="summary">
<h1>xvc conformance report</h1>
<dl class="meta">
<div><dt>xvc</dt><dd data-testid="xvc-version">${escapeHtml(matrix.xvcVersion)}</dd></div>
<div><dt>when</dt><dd data-testid="generated-at">${escapeHtml(formatTime(matrix.generatedAt))}</dd></div>
<div><dt>tier</dt><dd data-testid="tier">${escapeHtml(matrix.tier)}</dd></div>
<div><dt>seed</dt><dd data-testid="seed">${matrix.seed}</dd></div>
${shard ? `<div><dt>shard</dt><dd data-testid="shard">${escapeHtml(shard)}</dd></div>` : ''}
<div><dt>subjects</dt><dd data-testid="subjects">${subjects || 'none'}</dd></div>
</dl>
<p class="totals" data-testid="overall-counts">${outcomeChips(total)}<span class="ci-line">${escapeHtml(ciLine)}</span></p>
</header>`;
}

function countSlots(counts: OutcomeCounts): string {
  return `<div class="slots">${OUTCOMES.map((o) => `<span class="n ${o}${counts[o] === 0 ? ' zero' : ''}" data-outcome="${o}" title="${o}">${counts[o]}</span>`).join('')}</div>`;
}

function matrixCell(suite: string, subject: MatrixSubject, cell: MatrixCell | undefined): string {
  const attrs = `data-testid="matrix-cell" data-suite="${escapeHtml(suite)}" data-subject="${escapeHtml(subject.name)}"`;
  if (cell === undefined) return `<td class="cell empty" ${attrs} data-worst="none" title="no instance of this suite ran on this subject">—</td>`;
  const worst = worstOutcome(cell.counts) ?? 'none';
  const started = subject.startFailure !== undefined ? ' not-started' : '';
  return `<td class="cell worst-${worst}${started}" ${attrs} data-worst="${worst}" data-instances="${cell.instances}">${countSlots(cell.counts)}<div class="sub">${plural(cell.instances, 'instance')} · ${formatDuration(cell.ms)}</div></td>`;
}

function matrixSection(matrix: MatrixReport): string {
  const cells = new Map(matrix.cells.map((c) => [`${c.suite}\u0000${c.subject}`, c]));
  const heads = matrix.subjects.map((s) => {
    const status = s.startFailure !== undefined ? `<div class="start-failure" data-testid="start-failure" data-subject="${escapeHtml(s.name)}"><b>could not start:</b> ${escapeHtml(s.startFailure)}</div>` : '';
    const spec = s.spec !== s.name ? `<div class="spec">${escapeHtml(s.spec)}</div>` : '';
    return `<th scope="col" data-testid="matrix-subject" data-subject="${escapeHtml(s.name)}" data-started="${s.startFailure === undefined}"><div class="subject-head">${escapeHtml(s.name)}</div>${spec}${status}</th>`;
  });
  const slotLegend = `<div class="slots legend-slots">${OUTCOMES.map((o) => `<span class="n ${o}">${o === 'known-fail' ? 'k-fail' : o}</span>`).join('')}</div>`;
  const rows = matrix.suites.map((suite) => `<tr data-testid="matrix-row" data-suite="${escapeHtml(suite)}"><th scope="row" class="suite">${escapeHtml(suite)}</th>${matrix.subjects.map((s) => matrixCell(suite, s, cells.get(`${suite}\u0000${s.name}`))).join('')}</tr>`);
  const totals = matrix.subjects.map((s) => {
    const instances = matrix.cells.filter((c) => c.subject === s.name).reduce((sum, c) => sum + c.instances, 0);
    const worst = worstOutcome(s.counts) ?? 'none';
    return `<td class="cell total worst-${worst}" data-testid="matrix-total" data-subject="${escapeHtml(s.name)}" data-worst="${worst}">${countSlots(s.counts)}<div class="sub">${plural(instances, 'instance')} · ${formatDuration(s.durationMs)}${s.startFailure !== undefined ? ' · could not start' : ''}</div></td>`;
  });
  const body = matrix.suites.length === 0 ? `<tr><td colspan="${matrix.subjects.length + 1}" class="muted">No suite ran.</td></tr>` : rows.join('\n');
  return `<section id="matrix">
<h2>Matrix <span class="muted">suites × subjects, coloured by each cell's worst outcome</span></h2>
<div class="table-wrap">
<table class="matrix" data-testid="matrix-table">
<thead><tr><th scope="col" class="suite">suite</th>${heads.join('')}</tr>
<tr class="slot-legend"><th></th>${matrix.subjects.map(() => `<th>${slotLegend}</th>`).join('')}</tr></thead>
<tbody>
${body}
</tbody>
<tfoot><tr data-testid="matrix-totals"><th scope="row" class="suite">total</th>${totals.join('')}</tr></tfoot>
</table>
</div>
</section>`;
}

function quirksSection(matrix: MatrixReport): string {
  const items = matrix.subjects.map((s) => {
    if (s.quirks.length === 0) return `<p class="quirks none" data-testid="quirks" data-subject="${escapeHtml(s.name)}" data-count="0"><b>${escapeHtml(s.name)}</b>: no quirks declared.</p>`;
    return `<details class="quirks" data-testid="quirks" data-subject="${escapeHtml(s.name)}" data-count="${s.quirks.length}"><summary><b>${escapeHtml(s.name)}</b>: ${plural(s.quirks.length, 'declared quirk')}</summary><ul>${s.quirks.map((q) => `<li data-testid="quirk">${escapeHtml(q)}</li>`).join('')}</ul></details>`;
  });
  return `<section id="quirks">
<h2>Declared quirks <span class="muted">differences each adapter documents; nothing is normalised silently</span></h2>
${items.join('\n') || '<p class="muted">No subjects.</p>'}
</section>`;
}

/** Differential suites start their reason with the instance name, which the line already shows. */
function withoutInstancePrefix(summary: string, instance: string): string {
  return summary.startsWith(`${instance}: `) ? summary.slice(instance.length + 2) : summary;
}

/** Drops the indentation every non-blank line shares (suites indent detail under the summary). */
export function dedent(lines: readonly string[]): string[] {
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)?.[0].length ?? 0);
  const common = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(Math.min(common, l.length - l.trimStart().length)));
}

/** A waived failure says which waiver covers it, with the link, under its own summary. */
function waiverLine(d: Divergence): string {
  if (d.waiver === undefined) return '';
  const link = /^https?:\/\//.test(d.waiver.link) ? `<a href="${escapeHtml(d.waiver.link)}">${escapeHtml(d.waiver.link)}</a>` : escapeHtml(d.waiver.link);
  return `<span class="waiver-line" data-testid="waiver">waived: ${escapeHtml(d.waiver.reason)} (${link})</span>`;
}

function divergenceItem(d: Divergence): string {
  const kind = d.errorKind !== undefined ? `<span class="kind" data-testid="error-kind">${escapeHtml(d.errorKind)}</span>` : '';
  const detail = d.detail.length > 0 ? `<pre data-testid="divergence-detail">${escapeHtml(dedent(d.detail).join('\n'))}</pre>` : '<p class="muted">No detail lines: the summary is all the suite gave.</p>';
  return `<details class="divergence" data-testid="divergence" data-subject="${escapeHtml(d.subject)}" data-instance="${escapeHtml(d.instance)}" data-outcome="${d.outcome}" data-hash="${escapeHtml(d.hash)}">
<summary><span class="badge ${d.outcome}">${d.outcome}</span> <code class="instance">${escapeHtml(d.instance)}</code> ${kind} <code class="hash" title="failure hash (waivers name it)">${escapeHtml(d.hash)}</code><span class="summary-line">${escapeHtml(withoutInstancePrefix(d.summary, d.instance))}</span>${waiverLine(d)}</summary>
${detail}
</details>`;
}

function divergencesSection(matrix: MatrixReport): string {
  const groups = matrix.subjects.map((s) => {
    const mine = matrix.divergences.filter((d) => d.subject === s.name);
    if (mine.length === 0) {
      const why = s.startFailure !== undefined ? 'could not start, so nothing ran on it.' : 'no divergences.';
      return `<p class="no-divergences" data-testid="no-divergences" data-subject="${escapeHtml(s.name)}"><b>${escapeHtml(s.name)}</b>: ${why}</p>`;
    }
    const byOutcome = OUTCOMES.filter((o) => mine.some((d) => d.outcome === o)).map((o) => `${mine.filter((d) => d.outcome === o).length} ${o}`);
    return `<details class="divergence-group" data-testid="divergence-group" data-subject="${escapeHtml(s.name)}" data-count="${mine.length}" open>
<summary><b>${escapeHtml(s.name)}</b>: ${plural(mine.length, 'divergence')} (${byOutcome.join(', ')})</summary>
${mine.map(divergenceItem).join('\n')}
</details>`;
  });
  return `<section id="divergences">
<h2>Divergences <span class="muted">failures, errors and known failures with their minimal programs; open one for its detail</span></h2>
${groups.join('\n') || '<p class="muted">No subjects.</p>'}
</section>`;
}

function modeText(m: { covered: number; total: number; percent: number } | undefined): string {
  return m === undefined ? 'not exercised' : `${m.covered}/${m.total} (${m.percent}%)`;
}

/** The short text after a coverage bar; the tooltip and the table beside the chart say the rest. */
function modeBarText(mode: string, m: { covered: number; total: number; percent: number } | undefined): string {
  return m === undefined ? `${mode}: none` : `${mode}: ${m.percent}%`;
}

function outcomeChart(matrix: MatrixReport): string {
  return stackedBarChart({
    testId: 'chart-outcomes',
    title: 'Outcome counts per subject',
    unit: 'instances',
    legend: OUTCOMES.map((o) => ({ series: o, color: OUTCOME_COLOR[o] })),
    bars: matrix.subjects.map((s) =>
      s.startFailure !== undefined
        ? { category: s.name, segments: [], note: `could not start (${s.counts.skip} skipped)` }
        : { category: s.name, segments: OUTCOMES.filter((o) => s.counts[o] > 0).map((o) => ({ series: o, value: s.counts[o], color: OUTCOME_COLOR[o] })) },
    ),
  });
}

function coverageChart(matrix: MatrixReport): string {
  return groupedBarChart({
    testId: 'chart-coverage',
    title: 'ISA coverage per subject and mode: forms exercised / forms valid in that mode',
    legend: MODES.map((mode) => ({ series: mode, color: MODE_COLOR[mode] })),
    max: 100,
    unit: '%',
    groups: matrix.subjects.map((s) =>
      s.startFailure !== undefined
        ? { category: s.name, bars: [], note: 'could not start' }
        : { category: s.name, bars: MODES.map((mode) => ({ series: mode, value: s.coverage[mode]?.percent ?? 0, color: MODE_COLOR[mode], text: modeBarText(mode, s.coverage[mode]), tooltip: modeText(s.coverage[mode]) })) },
    ),
  });
}

function coverageTable(matrix: MatrixReport): string {
  const cell = (m: { covered: number; total: number; percent: number } | undefined): string =>
    m === undefined ? '<span class="muted" title="not exercised">—</span>' : `${m.covered}/${m.total} <span class="muted">(${m.percent}%)</span>`;
  const rows = matrix.subjects.map((s) => `<tr data-testid="coverage-row" data-subject="${escapeHtml(s.name)}"><th scope="row">${escapeHtml(s.name)}</th>${MODES.map((mode) => `<td data-mode="${mode}">${s.startFailure !== undefined ? '<span class="muted">could not start</span>' : cell(s.coverage[mode])}</td>`).join('')}<td>${s.formsCovered}</td></tr>`);
  return `<div class="table-wrap" id="coverage"><table class="plain" data-testid="coverage-table"><caption>ISA coverage: forms exercised / forms the instruction table marks valid in that mode; — not exercised</caption><thead><tr><th>subject</th>${MODES.map((m) => `<th>${m}</th>`).join('')}<th>forms, any mode</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function chartsSection(matrix: MatrixReport): string {
  return `<section id="charts">
<h2>Outcomes and ISA coverage <span class="muted">coverage counts the forms of the instruction table the suites exercised on each subject</span></h2>
<div class="two-col">
<figure class="panel"><figcaption>Instances per subject by outcome</figcaption>${outcomeChart(matrix)}</figure>
<figure class="panel"><figcaption>ISA coverage per mode: forms exercised / forms valid</figcaption>${coverageChart(matrix)}</figure>
</div>
${coverageTable(matrix)}
</section>`;
}

function historySeries(entries: readonly HistoryEntry[], colors: Map<string, string>, value: (e: HistoryEntry) => number, what: string): LineSeries[] {
  const subjects = [...new Set(entries.map((e) => e.subject))];
  return subjects.map((subject) => ({
    series: subject,
    color: colors.get(subject) ?? '#555555',
    points: entries
      .filter((e) => e.subject === subject)
      .map((e) => ({
        time: Date.parse(e.at),
        value: value(e),
        label: `${subject}, ${formatTime(e.at)}: ${value(e)} ${what} (xvc ${e.xvcVersion}${e.commit !== undefined ? ` ${e.commit.slice(0, 10)}` : ''}, seed ${e.seed}${e.shard !== undefined ? `, shard ${e.shard.index}/${e.shard.count}` : ''})`,
      })),
  }));
}

function historySection(matrix: MatrixReport, history: readonly HistoryEntry[], problems: readonly string[], colors: Map<string, string>): string {
  // Counts of different tiers are not comparable (a full run has more cases), so only this run's tier is drawn.
  const usable = history.filter((e) => e.tier === matrix.tier && !Number.isNaN(Date.parse(e.at)));
  const otherTiers = history.filter((e) => e.tier !== matrix.tier).length;
  const times = new Set(usable.map((e) => Date.parse(e.at)));
  const notes: string[] = [];
  if (problems.length > 0) {
    notes.push(`<div class="note warn" data-testid="history-problems"><p><b>${plural(problems.length, 'history line')} could not be read</b> and ${problems.length === 1 ? 'is' : 'are'} left out of the charts:</p><ul>${problems.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul></div>`);
  }
  if (otherTiers > 0) notes.push(`<p class="muted" data-testid="history-other-tiers">${plural(otherTiers, 'entry', 'entries')} of other tiers than ${escapeHtml(matrix.tier)} left out: their counts are not comparable.</p>`);
  let body: string;
  if (times.size < 2) {
    body = `<p class="note" data-testid="history-too-short">The history has ${plural(times.size, 'point')} in time for tier ${escapeHtml(matrix.tier)}; a chart over time needs at least 2 runs.</p>`;
  } else {
    const pass = lineChart({ testId: 'chart-history-pass', title: 'Passed instances over time, per subject', yLabel: 'instances', series: historySeries(usable, colors, (e) => e.counts.pass, 'passed') });
    const fail = lineChart({ testId: 'chart-history-fail', title: 'Failed instances (fail + error) over time, per subject', yLabel: 'instances', series: historySeries(usable, colors, (e) => e.counts.fail + e.counts.error, 'failed') });
    body = `<div class="two-col"><figure class="panel"><figcaption>Passed instances, per subject</figcaption>${pass}</figure><figure class="panel"><figcaption>Failed instances (fail + error), per subject</figcaption>${fail}</figure></div>`;
  }
  return `<section id="history">
<h2>History <span class="muted">${plural(usable.length, 'entry', 'entries')} of tier ${escapeHtml(matrix.tier)} from history.jsonl</span></h2>
${notes.join('\n')}
${body}
</section>`;
}

const STYLE = `
:root{--fg:#1f2328;--muted:#5f6873;--line:#d6dbe1;--panel:#f6f8fa;
--pass:${OUTCOME_COLOR.pass};--fail:${OUTCOME_COLOR.fail};--error:${OUTCOME_COLOR.error};--skip:${OUTCOME_COLOR.skip};--kfail:${OUTCOME_COLOR['known-fail']}}
*{box-sizing:border-box}
body{margin:0;color:var(--fg);background:#fff;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1360px;margin:0 auto;padding:20px 24px 40px}
h1{font-size:22px;margin:0 0 8px}
h2{font-size:17px;margin:28px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h2 .muted{font-size:13px;font-weight:normal;margin-left:6px}
.muted{color:var(--muted)}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
.meta{display:flex;flex-wrap:wrap;gap:6px 28px;margin:0 0 10px}
.meta div{display:flex;gap:6px;align-items:baseline}
.meta dt{color:var(--muted)}
.meta dd{margin:0;font-weight:600}
.subject-name{display:inline-block;padding:0 6px;margin-right:4px;border:1px solid var(--line);border-radius:10px;font-weight:600}
.subject-name.not-started{text-decoration:line-through;color:var(--muted)}
.totals{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:6px 0}
.chip{padding:2px 9px;border-radius:12px;color:#fff;font-size:13px}
.chip.zero{background:#fff!important;color:var(--muted);box-shadow:inset 0 0 0 1px var(--line)}
.chip.pass,.badge.pass{background:var(--pass)}.chip.fail,.badge.fail{background:var(--fail)}.chip.error,.badge.error{background:var(--error)}
/* White text on the light chart greys and ambers is too faint: darker grey, dark text on amber. */
.chip.skip,.badge.skip{background:#6b737c}.chip.known-fail,.badge.known-fail{background:#f2c54b;color:#3b2c00}
.ci-line{margin-left:8px;color:var(--muted);font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px}
.toc{display:flex;flex-wrap:wrap;gap:4px 16px;padding:8px 0;border-bottom:1px solid var(--line)}
.toc a{color:#0b5cad;text-decoration:none}.toc a:hover{text-decoration:underline}
.table-wrap{overflow-x:auto}
table.matrix{border-collapse:collapse;width:100%;table-layout:fixed;min-width:600px}
table.matrix th,table.matrix td{border:1px solid var(--line);padding:6px 8px;vertical-align:top}
table.matrix thead th{background:var(--panel);text-align:left}
table.matrix th.suite{width:210px;text-align:left;font-weight:600;overflow-wrap:anywhere;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px}
table.matrix thead th.suite,table.matrix tfoot th.suite{font-family:inherit;font-size:14px}
.subject-head{font-size:15px}
.spec{color:var(--muted);font-weight:normal;font-size:12px;overflow-wrap:anywhere}
.start-failure{margin-top:4px;padding:4px 6px;border-radius:4px;background:#fbe9e7;color:#8a1f11;font-weight:normal;font-size:12.5px;overflow-wrap:anywhere}
tr.slot-legend th{padding-top:0;padding-bottom:2px;border-top:0}
.slots{display:grid;grid-template-columns:repeat(5,1fr);gap:2px;text-align:center}
.slots .n{font-variant-numeric:tabular-nums;font-weight:600}
.legend-slots .n{font-size:11px;font-weight:600;text-transform:uppercase;letter-spacing:.02em}
.n.pass{color:var(--pass)}.n.fail{color:var(--fail)}.n.error{color:var(--error)}.n.skip{color:#6b737c}.n.known-fail{color:#9a6f00}
.n.zero{color:#b8bec5;font-weight:normal}
.cell .sub{margin-top:2px;font-size:12px;color:var(--muted);text-align:center}
.cell{border-left-width:4px!important}
.worst-pass{background:#eef7f0;border-left-color:var(--pass)!important}
.worst-skip{background:#f3f4f6;border-left-color:var(--skip)!important}
.worst-known-fail{background:#fdf6e0;border-left-color:var(--kfail)!important}
.worst-fail{background:#fcebea;border-left-color:var(--fail)!important}
.worst-error{background:#f3ecfa;border-left-color:var(--error)!important}
.cell.empty{color:var(--muted);text-align:center;background:#fff}
.cell.not-started{background-image:repeating-linear-gradient(135deg,transparent 0 8px,rgba(0,0,0,.04) 8px 16px)}
tfoot td,tfoot th{border-top:2px solid #9aa1a9!important}
details{margin:4px 0}
summary{cursor:pointer}
.quirks ul{margin:4px 0 8px 20px;padding:0;max-width:1100px}
.quirks li{margin:3px 0}
.quirks.none{margin:4px 0}
.divergence-group{border:1px solid var(--line);border-radius:6px;padding:6px 10px;margin:8px 0}
.divergence-group>summary{font-size:15px}
.divergence{border-top:1px solid #eceff2;padding:5px 0 3px;margin:0}
.divergence>summary{line-height:1.6}
.summary-line{display:block;margin:1px 0 0 22px;color:#33393f;overflow-wrap:anywhere}
.badge{display:inline-block;min-width:64px;padding:0 6px;border-radius:4px;color:#fff;font-size:12px;text-align:center}
.kind{padding:0 6px;border:1px solid var(--error);border-radius:4px;color:var(--error);font-size:12px}
.instance{font-weight:600}
.hash{color:var(--muted)}
pre{margin:6px 0 6px 22px;padding:8px 10px;background:#f6f8fa;border:1px solid #e3e7eb;border-radius:4px;max-height:24em;overflow:auto;white-space:pre;line-height:1.4}
.no-divergences{margin:4px 0}
.waiver-line{display:block;margin:1px 0 0 22px;color:#6b5300;font-size:13px;overflow-wrap:anywhere}
.two-col{display:grid;grid-template-columns:repeat(auto-fit,minmax(440px,1fr));gap:16px;align-items:start}
.panel{margin:0;padding:10px 12px;border:1px solid var(--line);border-radius:6px;background:#fff}
.panel figcaption{font-weight:600;font-size:13.5px;margin-bottom:4px}
svg.chart{display:block;width:100%;max-width:760px;height:auto;font-family:inherit}
svg .category{font-size:12.5px;fill:var(--fg)}
svg .value-text,svg .tick,svg .legend-text{font-size:11.5px;fill:#4b535c}
svg .note-text{font-size:12.5px;fill:#8a1f11}
svg .track{fill:#eef0f3}
svg .grid{stroke:#e4e7eb;stroke-width:1}
table.plain{border-collapse:collapse;width:100%;margin-top:12px}
table.plain caption{text-align:left;color:var(--muted);font-size:12.5px;padding-bottom:4px}
table.plain td{white-space:nowrap}
table.plain th,table.plain td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;font-variant-numeric:tabular-nums}
.note{margin:8px 0 12px;padding:8px 12px;border-radius:6px;background:var(--panel);border:1px solid var(--line)}
.note.warn{background:#fff5e6;border-color:#f0c27b}
.note ul{margin:4px 0 0 18px;padding:0}
footer{margin-top:32px;color:var(--muted);font-size:12px}
@media (max-width:1000px){main{padding:12px}table.matrix th.suite{width:150px}.two-col{grid-template-columns:1fr}}
`;
