/**
 * A progress reporter for long runs (the soak tier, `xvc run` over many instances).
 *
 * On a terminal it keeps one line redrawn in place (carriage return, then erase-line) with a bar,
 * done/total, percent, elapsed time, an ETA and a note, cut to the terminal width so it never
 * wraps (a wrapped line can no longer be redrawn in place); `line()` prints a normal line above
 * the bar and draws the bar again under it.
 *
 * Anywhere else (CI logs, pipes, files) it writes no control characters at all, and a tick
 * prints a plain line only when the percent crosses a 10% step or 30 s have passed since the
 * last one, so a log of a million-case run stays a dozen lines long.
 *
 * Wall-clock time is used for the elapsed time and the ETA only, never for a verdict.
 *
 * Models no hardware.
 */

/** What the reporter writes to: process.stderr, process.stdout, or a fake in tests. */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  /** The terminal width in characters, when the stream is a terminal. */
  columns?: number;
}

export interface ProgressOptions {
  total: number;
  label: string;
  /** Default process.stderr, so progress never mixes into a report printed on stdout. */
  stream?: ProgressStream;
  /** Redraw one line in place; default: the stream is a TTY and CI is not `true` or `1`. */
  interactive?: boolean;
  /** Milliseconds; for tests. Default Date.now. */
  now?: () => number;
}

export interface Progress {
  /** `done` items of `total` are finished; `note` says what is going on (the last instance, a rate). */
  tick(done: number, note?: string): void;
  /** A normal line of output that must not garble the bar. */
  line(text: string): void;
  /** Prints the closing summary line; later calls do nothing. */
  finish(): void;
}

/** A redraw more often than this only costs time: nobody reads faster (ms). */
const REDRAW_INTERVAL_MS = 100;
/** A non-interactive line at least this often, so a slow run still shows it is alive (ms). */
const QUIET_LINE_INTERVAL_MS = 30_000;
/** Non-interactive lines at every 10% step. */
const PERCENT_STEP = 10;
const BAR_WIDTH = 24;
/** When the stream does not say how wide it is (ANSI terminals start at 80). */
const DEFAULT_COLUMNS = 80;

/** Carriage return then ECMA-48 EL (erase in line, whole line): the cursor is at column 1 of an empty line. */
const CLEAR_LINE = '\r\x1b[2K';

/** Whether CI says it is CI (`CI=true` on GitHub, GitLab and most others; `CI=1` on some). */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['CI'] === 'true' || env['CI'] === '1';
}

/** `45s`, `1m05s`, `2h03m` (seconds rounded down: an ETA is not that precise). */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** Control characters in a note (an instance name, a reason) would break the line or the log. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const interactive = options.interactive ?? (stream.isTTY === true && !isCi());
  const now = options.now ?? Date.now;
  const total = Math.max(0, options.total);
  const started = now();

  let done = 0;
  let note = '';
  let finished = false;
  /** Interactive: whether the bar is on screen (line() must redraw it). */
  let barShown = false;
  let lastDraw = -Infinity;
  /** Non-interactive: the last 10% step printed, and when. */
  let lastStep = 0;
  let lastQuietLine = started;

  const fraction = (): number => (total === 0 ? 1 : Math.min(1, done / total));
  // Rounded down, so 100% means finished.
  const percent = (): number => Math.floor(100 * fraction());
  const eta = (elapsed: number): string | undefined => (done > 0 && done < total ? formatDuration((elapsed / done) * (total - done)) : undefined);

  function barLine(): string {
    const elapsed = now() - started;
    const filled = Math.round(fraction() * BAR_WIDTH);
    const remaining = eta(elapsed);
    const parts = [
      `${options.label} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`,
      `${done}/${total}`,
      `${percent()}%`,
      formatDuration(elapsed),
      ...(remaining !== undefined ? [`ETA ${remaining}`] : []),
      ...(note ? [note] : []),
    ];
    // One column short of the width: writing the last column makes some terminals wrap.
    // A pseudo-terminal without a size reports 0 columns: treat it as unknown, not as 0 wide.
    const columns = stream.columns !== undefined && stream.columns > 0 ? stream.columns : DEFAULT_COLUMNS;
    const width = Math.max(10, columns - 1);
    const text = parts.join('  ');
    return text.length > width ? `${text.slice(0, width - 3)}...` : text;
  }

  function draw(): void {
    stream.write(`${CLEAR_LINE}${barLine()}`);
    barShown = true;
    lastDraw = now();
  }

  function plainLine(): string {
    const elapsed = now() - started;
    const remaining = eta(elapsed);
    return `${options.label}: ${done}/${total} (${percent()}%), elapsed ${formatDuration(elapsed)}${remaining !== undefined ? `, ETA ${remaining}` : ''}${note ? `, ${note}` : ''}`;
  }

  return {
    tick(count, text) {
      if (finished) return;
      done = Math.max(0, Math.min(count, total));
      if (text !== undefined) note = printable(text);
      if (interactive) {
        if (done === total || now() - lastDraw >= REDRAW_INTERVAL_MS) draw();
        return;
      }
      const step = Math.floor(percent() / PERCENT_STEP);
      if (step > lastStep || now() - lastQuietLine >= QUIET_LINE_INTERVAL_MS) {
        lastStep = step;
        lastQuietLine = now();
        stream.write(`${plainLine()}\n`);
      }
    },
    line(text) {
      if (!interactive) {
        stream.write(`${text}\n`);
        return;
      }
      stream.write(`${barShown ? CLEAR_LINE : ''}${text}\n`);
      if (barShown && !finished) draw();
    },
    finish() {
      if (finished) return;
      finished = true;
      const summary = `${options.label}: ${done}/${total} done in ${formatDuration(now() - started)}`;
      stream.write(`${interactive && barShown ? CLEAR_LINE : ''}${summary}\n`);
      barShown = false;
    },
  };
}
