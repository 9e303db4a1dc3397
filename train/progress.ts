/**
 * Training progress: a redrawn bar on a terminal, a few plain lines otherwise, so logs and CI
 * output stay short while an interactive run still shows live numbers.
 * @module
 */

/** A progress reporter for one epoch (or any counted loop). */
export interface Progress {
  /** Reports `done` of `total` steps and the running values to show (e.g. loss, acc). */
  update(done: number, info: Record<string, number>): void;
  /** Prints the final line of the epoch; later calls to `update`/`done` are ignored. */
  done(info: Record<string, number>): void;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Steps in the epoch. */
  total: number;
  /** Printed first on every line, e.g. `"epoch 3/12"`. */
  label: string;
  /**
   * Redraw one line with `\r` (true) or print plain lines (false). Defaults to
   * `Deno.stdout.isTerminal()` when writing to stdout, and to false with a custom `write`.
   */
  tty?: boolean;
  /** Where output goes; defaults to stdout. */
  write?: (s: string) => void;
  /** Clock in milliseconds (tests inject one); defaults to `performance.now`. */
  now?: () => number;
  /** Terminal width used to cut TTY lines so they never wrap (a wrapped line breaks `\r`). */
  columns?: number;
  /**
   * Shows the whole current line, replacing the one shown before (a notebook output updated in
   * place, see notebook/jupyter_progress.ts); redraws like a TTY. Overrides `write` and `tty`.
   */
  line?: (text: string) => void;
}

/** Smallest gap between two TTY redraws: ~10 per second is smooth and costs nothing. */
const REDRAW_MS = 100;
/** Plain mode prints once per tenth of the epoch. */
const PLAIN_LINES = 10;
const BAR_WIDTH = 20;

/**
 * A metric value with 4 digits after the point; tiny values switch to exponent form so a small
 * loss does not print as 0.0000. Example: `formatValue(0.123456)` → `"0.1235"`.
 */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && Math.abs(v) < 1e-3) return v.toExponential(3);
  return v.toFixed(4);
}

/** Seconds as `7.3s`, `2m05s` or `1h02m`. Example: `formatDuration(125)` → `"2m05s"`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

function formatRate(r: number): string {
  return `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)} it/s`;
}

function formatInfo(info: Record<string, number>): string {
  return Object.entries(info).map(([k, v]) => `${k} ${formatValue(v)}`).join(" ");
}

function bar(fraction: number): string {
  const filled = Math.min(BAR_WIDTH, Math.floor(fraction * BAR_WIDTH));
  const head = filled < BAR_WIDTH ? ">" : "";
  return `[${"=".repeat(filled)}${head}${" ".repeat(BAR_WIDTH - filled - head.length)}]`;
}

function stdoutColumns(): number | undefined {
  try {
    return Deno.consoleSize().columns;
  } catch {
    return undefined; // not a console (piped, or no permission to ask)
  }
}

/**
 * Creates a progress reporter. On a TTY it redraws one line (bar, done/total, rate, ETA, info
 * values) at most ~10 times a second; elsewhere it prints at most ~10 plain lines per epoch plus
 * the final one from `done`.
 * Example: `const p = createProgress({ total: 375, label: "epoch 1/12" }); p.update(10, { loss });`
 */
export function createProgress(opts: ProgressOptions): Progress {
  const { total, label } = opts;
  if (!(total >= 0) || !Number.isFinite(total)) {
    throw new Error(`createProgress: total must be a non-negative number, got ${total}`);
  }
  const now = opts.now ?? (() => performance.now());
  const enc = new TextEncoder();
  const write = opts.write ?? ((s: string) => Deno.stdout.writeSync(enc.encode(s)));
  const tty = opts.tty ?? (opts.write ? false : Deno.stdout.isTerminal());
  const columns = opts.columns ?? (tty && !opts.write ? stdoutColumns() : undefined);
  const start = now();
  let lastDraw = -Infinity;
  let lastTenth = -1;
  let finished = false;

  const fraction = (done: number) => (total > 0 ? Math.min(1, Math.max(0, done / total)) : 1);
  const timing = (done: number) => {
    const secs = Math.max(0, (now() - start) / 1000);
    const rate = secs > 0 ? done / secs : 0;
    const eta = rate > 0 ? Math.max(0, total - done) / rate : NaN;
    return { secs, rate, eta };
  };
  const running = (done: number, info: Record<string, number>, percent = false) => {
    const { rate, eta } = timing(done);
    const parts = [`${done}/${total}`];
    if (percent) parts.push(`(${Math.floor(fraction(done) * 100)}%)`);
    parts.push(formatRate(rate), `eta ${formatDuration(eta)}`);
    const text = formatInfo(info);
    if (text) parts.push(text);
    return parts.join(" ");
  };
  // The terminal is cleared to the end of the line so a shorter redraw leaves no stale tail.
  const fit = (s: string) => (columns && s.length > columns - 1 ? s.slice(0, columns - 1) : s);

  return {
    update(done, info) {
      if (finished) return;
      if (opts.line) {
        const t = now();
        if (t - lastDraw < REDRAW_MS && done < total) return;
        lastDraw = t;
        opts.line(`${label} ${bar(fraction(done))} ${running(done, info)}`);
      } else if (tty) {
        const t = now();
        if (t - lastDraw < REDRAW_MS && done < total) return;
        lastDraw = t;
        write(`\r\x1b[2K${fit(`${label} ${bar(fraction(done))} ${running(done, info)}`)}`);
      } else {
        // The last step is left to `done`, which prints the summary line anyway.
        const tenth = Math.floor(fraction(done) * PLAIN_LINES);
        if (tenth <= lastTenth || done >= total) return;
        lastTenth = tenth;
        write(`${label} ${running(done, info, true)}\n`);
      }
    },
    done(info) {
      if (finished) return;
      finished = true;
      const { secs, rate } = timing(total);
      const text = formatInfo(info);
      const line = `${label} ${total}/${total} ${formatDuration(secs)} ${formatRate(rate)}` +
        (text ? ` ${text}` : "");
      if (opts.line) opts.line(line);
      else write(`${tty ? "\r\x1b[2K" : ""}${line}\n`);
    },
  };
}
