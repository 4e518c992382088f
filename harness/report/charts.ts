/**
 * Inline SVG charts for the HTML report page (html.ts): horizontal stacked bars, horizontal
 * grouped bars and a time line chart, drawn as strings at render time so the page needs no
 * chart library, no script and no network. Every data mark carries `data-series` and
 * `data-value` (and `data-category` where it has one) so a test can read the numbers back out
 * of the page, and a <title> child so a hover shows them.
 *
 * Models no hardware.
 */

/** Escapes text for HTML and SVG, in element content and in quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** The drawing width of every chart, in SVG user units; CSS scales the SVG to its column. */
const CHART_WIDTH = 640;
/** Room on the left for category names (subject names), in user units. */
const LABEL_WIDTH = 120;
/** Room on the right for the value written after a bar. */
const VALUE_WIDTH = 118;
/** Longest category label drawn in full; longer ones are cut, the <title> keeps the whole name. */
const LABEL_CHARS = 17;

export interface LegendEntry {
  series: string;
  color: string;
}

export interface BarSegment {
  series: string;
  value: number;
  color: string;
}

export interface StackedBar {
  category: string;
  segments: BarSegment[];
  /** Text in place of a bar when the category has no data (a subject that could not start). */
  note?: string;
}

export interface StackedBarChart {
  testId: string;
  title: string;
  bars: StackedBar[];
  legend: LegendEntry[];
  /** Unit for the total written after each bar: `instances`. */
  unit: string;
}

export interface GroupedBar {
  series: string;
  /** Drawn length, on the chart's 0..max scale. */
  value: number;
  color: string;
  /** Written after the bar: `real: 84.3%`. */
  text: string;
  /** The hover text, when it says more than `text`: `543/644 (84.3%)`. */
  tooltip?: string;
}

export interface BarGroup {
  category: string;
  bars: GroupedBar[];
  note?: string;
}

export interface GroupedBarChart {
  testId: string;
  title: string;
  groups: BarGroup[];
  legend: LegendEntry[];
  max: number;
  /** Axis tick suffix: `%`. */
  unit: string;
}

export interface LinePoint {
  /** Milliseconds since the epoch. */
  time: number;
  value: number;
  /** Tooltip of the point. */
  label: string;
}

export interface LineSeries {
  series: string;
  color: string;
  points: LinePoint[];
}

export interface LineChart {
  testId: string;
  title: string;
  yLabel: string;
  series: LineSeries[];
}

function cutLabel(label: string): string {
  return label.length > LABEL_CHARS ? `${label.slice(0, LABEL_CHARS - 1)}…` : label;
}

/**
 * Axis ticks from 0 up to at least `value`, a round step apart (1, 2 or 5 times a power of ten,
 * never below `minStep` so counts get whole-number ticks), about `count` of them.
 */
export function niceTicks(value: number, count = 4, minStep = 0): number[] {
  const raw = Math.max(value, Number.MIN_VALUE) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(minStep, ([1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power));
  const top = Math.max(step, Math.ceil(value / step) * step);
  const ticks: number[] = [];
  for (let t = 0; t <= top + step / 2; t += step) ticks.push(Math.round(t * 1e6) / 1e6);
  return ticks;
}

function num(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function svgOpen(testId: string, title: string, height: number): string {
  const titleId = `${testId}-title`;
  return `<svg class="chart" data-testid="${escapeHtml(testId)}" viewBox="0 0 ${CHART_WIDTH} ${height}" role="img" aria-labelledby="${escapeHtml(titleId)}" xmlns="http://www.w3.org/2000/svg"><title id="${escapeHtml(titleId)}">${escapeHtml(title)}</title>`;
}

function legend(entries: readonly LegendEntry[], y: number, startX = LABEL_WIDTH): string {
  let x = startX;
  const parts: string[] = [];
  for (const entry of entries) {
    parts.push(`<g class="legend-item" data-legend="${escapeHtml(entry.series)}"><rect x="${x}" y="${y - 9}" width="10" height="10" rx="2" fill="${entry.color}"/><text x="${x + 14}" y="${y}" class="legend-text">${escapeHtml(entry.series)}</text></g>`);
    // Legend names are short (outcomes, modes, subjects); 7 units a character keeps them apart.
    x += 24 + entry.series.length * 7;
  }
  return `<g class="legend">${parts.join('')}</g>`;
}

function categoryLabel(category: string, y: number): string {
  return `<text x="${LABEL_WIDTH - 8}" y="${y}" text-anchor="end" class="category"><title>${escapeHtml(category)}</title>${escapeHtml(cutLabel(category))}</text>`;
}

/** One horizontal bar per category, split into its series (outcome counts per subject). */
export function stackedBarChart(chart: StackedBarChart): string {
  const barHeight = 20;
  const rowHeight = 30;
  const top = 28;
  const height = top + chart.bars.length * rowHeight + 10;
  const plotWidth = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const largest = Math.max(1, ...chart.bars.map((bar) => bar.segments.reduce((sum, s) => sum + s.value, 0)));
  const scale = plotWidth / largest;
  const rows = chart.bars.map((bar, index) => {
    const y = top + index * rowHeight;
    const textY = y + barHeight / 2 + 4;
    const label = categoryLabel(bar.category, textY);
    if (bar.note !== undefined) return `${label}<text x="${LABEL_WIDTH}" y="${textY}" class="note-text">${escapeHtml(bar.note)}</text>`;
    let x = LABEL_WIDTH;
    let total = 0;
    const marks = bar.segments.map((segment) => {
      total += segment.value;
      const width = segment.value * scale;
      const mark = `<rect class="mark" data-category="${escapeHtml(bar.category)}" data-series="${escapeHtml(segment.series)}" data-value="${segment.value}" x="${num(x)}" y="${y}" width="${num(width)}" height="${barHeight}" fill="${segment.color}"><title>${escapeHtml(`${bar.category}: ${segment.value} ${segment.series}`)}</title></rect>`;
      x += width;
      return mark;
    });
    return `${label}${marks.join('')}<text x="${num(x + 6)}" y="${textY}" class="value-text">${total} ${escapeHtml(chart.unit)}</text>`;
  });
  return `${svgOpen(chart.testId, chart.title, height)}${legend(chart.legend, 14)}${rows.join('')}</svg>`;
}

/** Per category, one thin horizontal bar per series on a shared 0..max axis (coverage per mode). */
export function groupedBarChart(chart: GroupedBarChart): string {
  const barHeight = 12;
  const barGap = 3;
  const groupGap = 14;
  const top = 30;
  const plotWidth = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const scale = plotWidth / chart.max;
  let y = top;
  const rows: string[] = [];
  for (const group of chart.groups) {
    const lines = group.note !== undefined ? 1 : Math.max(1, group.bars.length);
    const groupHeight = lines * (barHeight + barGap) - barGap;
    rows.push(categoryLabel(group.category, y + groupHeight / 2 + 4));
    if (group.note !== undefined) {
      rows.push(`<text x="${LABEL_WIDTH}" y="${y + barHeight - 2}" class="note-text">${escapeHtml(group.note)}</text>`);
    } else {
      group.bars.forEach((bar, index) => {
        const barY = y + index * (barHeight + barGap);
        const width = Math.max(0, Math.min(chart.max, bar.value)) * scale;
        rows.push(
          `<rect class="track" x="${LABEL_WIDTH}" y="${barY}" width="${plotWidth}" height="${barHeight}"/>` +
            `<rect class="mark" data-category="${escapeHtml(group.category)}" data-series="${escapeHtml(bar.series)}" data-value="${bar.value}" x="${LABEL_WIDTH}" y="${barY}" width="${num(width)}" height="${barHeight}" fill="${bar.color}"><title>${escapeHtml(`${group.category}, ${bar.series}: ${bar.tooltip ?? bar.text}`)}</title></rect>` +
            `<text x="${LABEL_WIDTH + plotWidth + 6}" y="${barY + barHeight - 2}" class="value-text">${escapeHtml(bar.text)}</text>`,
        );
      });
    }
    y += groupHeight + groupGap;
  }
  const axisY = y - groupGap + 6;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const x = LABEL_WIDTH + f * plotWidth;
    return `<line class="grid" x1="${num(x)}" y1="${top - 4}" x2="${num(x)}" y2="${axisY}"/><text x="${num(x)}" y="${axisY + 13}" text-anchor="middle" class="tick">${num(f * chart.max)}${escapeHtml(chart.unit)}</text>`;
  });
  const height = axisY + 20;
  return `${svgOpen(chart.testId, chart.title, height)}${legend(chart.legend, 14)}<g class="axis">${ticks.join('')}</g>${rows.join('')}</svg>`;
}

/** Dash patterns by series index, so a line drawn over an equal one leaves it visible. */
const DASHES = ['', '7 4', '2 3', '10 3 2 3', '4 4', '1 2'];
/** Milliseconds in a day. */
const DAY_MS = 86_400_000;

/** Up to five dates along the time axis; days when the span is long, hours and minutes when short. */
function timeTicks(minTime: number, maxTime: number, distinct: number): Array<{ time: number; text: string }> {
  const count = Math.min(5, Math.max(2, distinct));
  const iso = (time: number): string => new Date(time).toISOString();
  const text = maxTime - minTime >= 2 * DAY_MS ? (time: number) => iso(time).slice(0, 10) : (time: number) => iso(time).slice(5, 16).replace('T', ' ');
  return Array.from({ length: count }, (_, i) => {
    const time = minTime + ((maxTime - minTime) * i) / (count - 1);
    return { time, text: text(time) };
  });
}

function lineLegend(series: readonly LineSeries[], y: number, startX: number): string {
  let x = startX;
  const parts = series.map((s, index) => {
    const item = `<g class="legend-item" data-legend="${escapeHtml(s.series)}"><line x1="${x}" y1="${y - 4}" x2="${x + 22}" y2="${y - 4}" stroke="${s.color}" stroke-width="2.5" stroke-dasharray="${DASHES[index % DASHES.length]}"/><text x="${x + 27}" y="${y}" class="legend-text">${escapeHtml(s.series)}</text></g>`;
    x += 40 + s.series.length * 7;
    return item;
  });
  return `<g class="legend">${parts.join('')}</g>`;
}

/**
 * Values along time, one polyline per series; each point a circle with its own tooltip. Later
 * series get dashed lines and smaller dots, so equal series stay distinguishable.
 */
export function lineChart(chart: LineChart): string {
  const left = 48;
  const right = 34;
  const top = 40;
  const plotHeight = 170;
  const height = top + plotHeight + 28;
  const plotWidth = CHART_WIDTH - left - right;
  const points = chart.series.flatMap((s) => s.points);
  const minTime = Math.min(...points.map((p) => p.time));
  const maxTime = Math.max(...points.map((p) => p.time));
  const span = maxTime - minTime || 1;
  // Counts: whole-number ticks only.
  const ticks = niceTicks(Math.max(1, ...points.map((p) => p.value)), 4, 1);
  const yMax = ticks[ticks.length - 1] ?? 1;
  const xOf = (time: number): number => left + ((time - minTime) / span) * plotWidth;
  const yOf = (value: number): number => top + plotHeight - (value / yMax) * plotHeight;
  const grid = ticks.map((tick) => {
    const y = yOf(tick);
    return `<line class="grid" x1="${left}" y1="${num(y)}" x2="${left + plotWidth}" y2="${num(y)}"/><text x="${left - 6}" y="${num(y + 4)}" text-anchor="end" class="tick">${tick}</text>`;
  });
  const times = timeTicks(minTime, maxTime, new Set(points.map((p) => p.time)).size);
  const xLabels = times.map((tick, index) => {
    const anchor = index === 0 ? 'start' : index === times.length - 1 ? 'end' : 'middle';
    const x = xOf(tick.time);
    return `<line class="grid" x1="${num(x)}" y1="${top + plotHeight}" x2="${num(x)}" y2="${top + plotHeight + 4}"/><text x="${num(x)}" y="${top + plotHeight + 17}" text-anchor="${anchor}" class="tick">${escapeHtml(tick.text)}</text>`;
  });
  const yLabel = `<text x="4" y="${top - 12}" class="tick">${escapeHtml(chart.yLabel)}</text>`;
  const lines = chart.series.map((s, index) => {
    const sorted = [...s.points].sort((a, b) => a.time - b.time);
    const path = sorted.map((p) => `${num(xOf(p.time))},${num(yOf(p.value))}`).join(' ');
    const radius = Math.max(2.2, 5 - index * 0.9);
    const dots = sorted.map((p) => `<circle class="mark" data-series="${escapeHtml(s.series)}" data-value="${p.value}" data-time="${escapeHtml(new Date(p.time).toISOString())}" cx="${num(xOf(p.time))}" cy="${num(yOf(p.value))}" r="${num(radius)}" fill="${s.color}" stroke="#fff" stroke-width="1"><title>${escapeHtml(p.label)}</title></circle>`);
    return `<g class="series" data-series="${escapeHtml(s.series)}"><polyline points="${path}" fill="none" stroke="${s.color}" stroke-width="2" stroke-dasharray="${DASHES[index % DASHES.length]}"/>${dots.join('')}</g>`;
  });
  return `${svgOpen(chart.testId, chart.title, height)}${lineLegend(chart.series, 14, left)}<g class="axis">${grid.join('')}${xLabels.join('')}${yLabel}</g>${lines.join('')}</svg>`;
}
