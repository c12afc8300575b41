/**
 * Progress output: a redrawn bar on a terminal, plain lines otherwise (logs, CI, pipes).
 *
 * @module
 */

/** Where progress goes: a write function and whether it is a terminal. */
export interface ProgressSink {
  /** Writes text as is. */
  write(text: string): void;
  /** Whether the sink is a terminal that understands carriage returns. */
  isTTY: boolean;
  /** The terminal's width; a redrawn line is cut to fit it (default 80). */
  columns?: number;
}

/** A progress indicator for one phase. */
export interface Progress {
  /**
   * Reports progress.
   *
   * @param fraction Done so far, in [0, 1].
   * @param label A short status shown next to the bar or on the line.
   */
  update(fraction: number, label: string): void;
  /** Ends the phase with a final label. */
  done(label: string): void;
}

const WIDTH = 28;

/**
 * Creates a progress indicator for a phase called `title`.
 *
 * @param sink The output.
 * @param title The phase name, e.g. "greedy".
 * @param minLineInterval Non-terminal sinks print at most one line per this many ms, and
 * always on `done` (default 0: every update).
 * @returns The indicator.
 */
export function createProgress(sink: ProgressSink, title: string, minLineInterval = 0): Progress {
  let lastLine = -Infinity;
  // A redrawn line longer than the terminal wraps, and "\r" then redraws only its last part.
  const width = Math.max(20, (sink.columns ?? 80) - 1);
  const fit = (line: string): string =>
    line.length <= width ? line : `${line.slice(0, width - 1)}…`;
  const bar = (fraction: number): string => {
    const f = Math.min(Math.max(fraction, 0), 1);
    const full = Math.round(f * WIDTH);
    const pct = `${Math.floor(f * 100)}%`.padStart(4);
    return `[${"#".repeat(full)}${"-".repeat(WIDTH - full)}] ${pct}`;
  };
  return {
    update(fraction: number, label: string): void {
      if (sink.isTTY) {
        sink.write(`\r\x1b[2K${fit(`${title.padEnd(10)} ${bar(fraction)} ${label}`)}`);
        return;
      }
      const now = performance.now();
      if (now - lastLine < minLineInterval) return;
      lastLine = now;
      sink.write(`${title}: ${label}\n`);
    },
    done(label: string): void {
      if (sink.isTTY) sink.write(`\r\x1b[2K${fit(`${title.padEnd(10)} ${bar(1)} ${label}`)}\n`);
      else sink.write(`${title}: ${label}\n`);
    },
  };
}
