/**
 * What the xvc-subject/1 client needs from a byte stream to a subject, whatever carries it:
 * a child process's stdio (process-transport.ts) or a socket (socket-transport.ts). The client
 * (connection.ts) sees lines in, lines out, and one notice when the other end is gone.
 *
 * Models no hardware.
 */

import type { Readable } from 'node:stream';

export interface TransportHandlers {
  /** One complete line from the subject, without its "\n". */
  onLine(line: string): void;
  /** The other end went away; `how` is a phrase such as `exited with code 3` or `closed the connection`. */
  onGone(how: string): void;
}

export interface Transport {
  /** The other end, for messages: `subject process 'my-emu --xvc'` or `subject at 127.0.0.1:7000`. */
  readonly peer: string;
  send(line: string): void;
  /** Ends politely: closes the subject's stdin, or half-closes the socket. */
  end(): void;
  /** Ends at once: kills the process group, or destroys the socket. */
  kill(): void;
  /** Settles once the other end is entirely gone (process reaped and pipes closed, socket closed). */
  readonly gone: Promise<void>;
  /** The last line the subject wrote to its own log (stderr), for error messages. */
  lastLogLine(): string | undefined;
}

/** Opens a fresh transport; rejects with a SubjectError when the subject cannot be reached. */
export type TransportOpener = (handlers: TransportHandlers) => Promise<Transport>;

/**
 * Calls `onLine` for each "\n"-ended line of a stream. A partial line left at the end of the
 * stream is dropped: the stream ended mid-message, and the end itself is what gets reported.
 */
export function splitLines(stream: Readable, onLine: (line: string) => void): void {
  // Pieces of the unfinished line: a large reply (a memory dump) arrives in many chunks, and
  // only each new chunk is searched for the end of the line.
  let pieces: string[] = [];
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    let start = 0;
    let newline = chunk.indexOf('\n');
    while (newline >= 0) {
      pieces.push(chunk.slice(start, newline));
      const line = pieces.join('');
      pieces = [];
      onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
      start = newline + 1;
      newline = chunk.indexOf('\n', start);
    }
    if (start < chunk.length) pieces.push(chunk.slice(start));
  });
}

/** Keeps the last few lines of a stream (a subject's stderr) for error messages. */
export class LineTail {
  private readonly lines: string[] = [];
  private partial = '';

  constructor(private readonly keep: number) {}

  push(chunk: string): void {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) if (line.trim() !== '') this.lines.push(line.trim());
    if (this.partial.length > 4096) this.partial = this.partial.slice(-4096);
    this.lines.splice(0, Math.max(0, this.lines.length - this.keep));
  }

  /** The last non-empty line, the unfinished one included. */
  last(): string | undefined {
    return this.partial.trim() !== '' ? this.partial.trim() : this.lines.at(-1);
  }
}
