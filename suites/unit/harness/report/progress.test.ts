// Unit tests for harness/report/progress.ts, the progress reporter of long runs.
// Oracle: hand-computed lines for a fake stream and a fake clock (bar, counts, percent, elapsed,
// ETA = elapsed/done*(total-done)), and the rules of the two modes: interactive redraws one line
// in place, cut to the terminal width; non-interactive writes no control characters and a line
// only at each 10% step or after 30 s.
// Left out: how a real terminal renders the escape codes.

import { expect } from 'chai';
import { createProgress, formatDuration, type ProgressStream } from '../../../../harness/report/progress.ts';

interface FakeStream extends ProgressStream {
  chunks: string[];
  text(): string;
}

function fakeStream(isTTY: boolean, columns?: number): FakeStream {
  const chunks: string[] = [];
  return {
    isTTY,
    ...(columns !== undefined ? { columns } : {}),
    chunks,
    write(chunk: string) {
      chunks.push(chunk);
      return true;
    },
    text: () => chunks.join(''),
  };
}

function fakeClock(start = 1_000_000): { now: () => number; advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

const CLEAR_LINE = '\r\x1b[2K';

/** What a terminal shows: each `\r` + erase-line starts the line again. */
function screen(output: string): string[] {
  const lines: string[] = [];
  let current = '';
  for (let i = 0; i < output.length; i++) {
    if (output.startsWith(CLEAR_LINE, i)) {
      current = '';
      i += CLEAR_LINE.length - 1;
    } else if (output[i] === '\n') {
      lines.push(current);
      current = '';
    } else current += output[i];
  }
  if (current) lines.push(current);
  return lines;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f]/;

describe('harness/report/progress', () => {
  describe('formatDuration', () => {
    it('gives seconds under a minute, 1m05s above, hours above an hour', () => {
      expect(formatDuration(0)).to.equal('0s');
      expect(formatDuration(30_999)).to.equal('30s');
      expect(formatDuration(65_000)).to.equal('1m05s');
      expect(formatDuration(80_000)).to.equal('1m20s');
      expect(formatDuration(3_725_000)).to.equal('1h02m');
      expect(formatDuration(-5)).to.equal('0s');
    });
  });

  describe('non-interactive (CI, pipes)', () => {
    it('prints a plain line at each 10% step with elapsed and ETA, and nothing in between', () => {
      const stream = fakeStream(false);
      const clock = fakeClock();
      const progress = createProgress({ total: 73, label: 'soak', stream, interactive: false, now: clock.now });
      for (let done = 1; done <= 12; done++) {
        clock.advance(2500);
        progress.tick(done);
      }
      // 12/73 = 16.4%: the 10% step was crossed at 8/73 (10.9%), 20 s in.
      expect(stream.chunks).to.deep.equal(['soak: 8/73 (10%), elapsed 20s, ETA 2m42s\n']);
      progress.tick(15); // 20.5%: the next step
      expect(stream.chunks[1]).to.equal('soak: 15/73 (20%), elapsed 30s, ETA 1m56s\n');
    });

    it('prints `label: 12/73 (16%), elapsed 30s, ETA 2m32s` (ETA = elapsed/done*(total-done))', () => {
      const stream = fakeStream(false);
      const clock = fakeClock();
      const progress = createProgress({ total: 73, label: 'label', stream, interactive: false, now: clock.now });
      clock.advance(30_000);
      progress.tick(12);
      // 30 s / 12 * 61 = 152.5 s.
      expect(stream.text()).to.equal('label: 12/73 (16%), elapsed 30s, ETA 2m32s\n');
    });

    it('prints a line after 30 s without a new step, so a slow run shows it is alive', () => {
      const stream = fakeStream(false);
      const clock = fakeClock();
      const progress = createProgress({ total: 1000, label: 'x', stream, interactive: false, now: clock.now });
      clock.advance(29_000);
      progress.tick(1);
      expect(stream.chunks).to.have.length(0);
      clock.advance(1_000);
      progress.tick(2, 'isa/golden~crc32');
      expect(stream.chunks).to.deep.equal(['x: 2/1000 (0%), elapsed 30s, ETA 4h09m, isa/golden~crc32\n']);
      clock.advance(10_000);
      progress.tick(3);
      expect(stream.chunks).to.have.length(1);
    });

    it('keeps a long run short: at most one line per 10% step when ticks come fast', () => {
      const stream = fakeStream(false);
      const clock = fakeClock();
      const progress = createProgress({ total: 1_000_000, label: 'soak', stream, interactive: false, now: clock.now });
      for (let done = 2000; done <= 1_000_000; done += 2000) {
        clock.advance(10);
        progress.tick(done, `${done} sequences`);
      }
      progress.line('a plain line');
      progress.finish();
      const lines = stream.text().split('\n').filter(Boolean);
      expect(lines).to.have.length(10 + 2);
      expect(lines[9]).to.match(/^soak: 1000000\/1000000 \(100%\), elapsed 5s, 1000000 sequences$/);
      expect(lines[10]).to.equal('a plain line');
      expect(lines[11]).to.equal('soak: 1000000/1000000 done in 5s');
    });

    it('writes no carriage return or escape code, even for a note holding them', () => {
      const stream = fakeStream(false);
      const clock = fakeClock();
      const progress = createProgress({ total: 10, label: 'run', stream, interactive: false, now: clock.now });
      for (let done = 0; done <= 10; done++) {
        clock.advance(31_000);
        progress.tick(done, `note\r\x1b[31m${done}\n`);
      }
      progress.finish();
      const text = stream.text();
      expect(text).to.not.match(CONTROL);
      expect(text).to.not.include('\x1b');
      expect(text.split('\n').filter(Boolean).length).to.equal(12);
    });

    it('is chosen by default for a pipe, and for a TTY when CI=true', () => {
      const saved = process.env['CI'];
      try {
        delete process.env['CI'];
        const pipe = fakeStream(false);
        createProgress({ total: 2, label: 'p', stream: pipe, now: fakeClock().now }).tick(1);
        expect(pipe.text()).to.equal('p: 1/2 (50%), elapsed 0s, ETA 0s\n');

        process.env['CI'] = 'true';
        const ciTty = fakeStream(true);
        createProgress({ total: 2, label: 'c', stream: ciTty, now: fakeClock().now }).tick(1);
        expect(ciTty.text()).to.not.include('\r');
        expect(ciTty.text()).to.equal('c: 1/2 (50%), elapsed 0s, ETA 0s\n');

        delete process.env['CI'];
        const tty = fakeStream(true);
        createProgress({ total: 2, label: 't', stream: tty, now: fakeClock().now }).tick(1);
        expect(tty.text()).to.include('\r\x1b[2K');
      } finally {
        if (saved === undefined) delete process.env['CI'];
        else process.env['CI'] = saved;
      }
    });
  });

  describe('interactive (a terminal)', () => {
    it('redraws one line with bar, counts, percent, elapsed, ETA and note', () => {
      const stream = fakeStream(true, 120);
      const clock = fakeClock();
      const progress = createProgress({ total: 4, label: 'run', stream, interactive: true, now: clock.now });
      progress.tick(0, 'starting');
      // No ETA before the first item is done: there is nothing to extrapolate from.
      expect(stream.chunks[0]).to.equal(`\r\x1b[2Krun [${'.'.repeat(24)}]  0/4  0%  0s  starting`);
      clock.advance(65_000);
      progress.tick(1, 'isa/golden~crc32');
      expect(stream.chunks[1]).to.equal(`\r\x1b[2Krun [${'#'.repeat(6)}${'.'.repeat(18)}]  1/4  25%  1m05s  ETA 3m15s  isa/golden~crc32`);
      expect(stream.text()).to.not.include('\n');
    });

    it('cuts the line to the terminal width so it never wraps', () => {
      const stream = fakeStream(true, 40);
      const clock = fakeClock();
      const progress = createProgress({ total: 3, label: 'run', stream, interactive: true, now: clock.now });
      clock.advance(1000);
      progress.tick(1, 'x'.repeat(200));
      const shown = screen(stream.text());
      expect(shown).to.have.length(1);
      expect(shown[0]!.length).to.be.at.most(39);
      expect(shown[0]).to.match(/\.\.\.$/);
    });

    it('takes a terminal that reports 0 columns (a pty without a size) as 80 wide', () => {
      const stream = fakeStream(true, 0);
      const progress = createProgress({ total: 3, label: 'run', stream, interactive: true, now: fakeClock().now });
      progress.tick(1, 'x'.repeat(200));
      expect(screen(stream.text())[0]!.length).to.equal(79);
    });

    it('prints line() above the bar and draws the bar again under it', () => {
      const stream = fakeStream(true, 100);
      const clock = fakeClock();
      const progress = createProgress({ total: 2, label: 'run', stream, interactive: true, now: clock.now });
      clock.advance(1000);
      progress.tick(1, 'a');
      progress.line('FAIL isa/golden~crc32');
      const shown = screen(stream.text());
      expect(shown[0]).to.equal('FAIL isa/golden~crc32');
      expect(shown[1]).to.match(/^run \[#{12}\.{12}\]  1\/2  50%  1s  ETA 1s  a$/);
      expect(shown).to.have.length(2);
    });

    it('redraws at most every 100 ms, but always draws the last item', () => {
      const stream = fakeStream(true, 100);
      const clock = fakeClock();
      const progress = createProgress({ total: 100, label: 'r', stream, interactive: true, now: clock.now });
      for (let done = 1; done <= 100; done++) {
        clock.advance(10);
        progress.tick(done);
      }
      // Ticks at 10 ms .. 1000 ms: the first, then one every 100 ms (10 of them), and the last.
      expect(stream.chunks.length).to.be.within(10, 12);
      expect(screen(stream.text()).at(-1)).to.match(/100\/100  100%  1s$/);
    });

    it('finish() replaces the bar with a summary line and ends it; later ticks print nothing', () => {
      const stream = fakeStream(true, 100);
      const clock = fakeClock();
      const progress = createProgress({ total: 3, label: 'run', stream, interactive: true, now: clock.now });
      clock.advance(500);
      progress.tick(3);
      clock.advance(65_000);
      progress.finish();
      progress.finish();
      progress.tick(1);
      expect(stream.text().endsWith('\r\x1b[2Krun: 3/3 done in 1m05s\n')).to.equal(true);
      expect(screen(stream.text())).to.deep.equal(['run: 3/3 done in 1m05s']);
    });

    it('does not erase anything when no bar was drawn', () => {
      const stream = fakeStream(true, 100);
      const progress = createProgress({ total: 3, label: 'run', stream, interactive: true, now: fakeClock().now });
      progress.line('hello');
      expect(stream.text()).to.equal('hello\n');
    });
  });
});
