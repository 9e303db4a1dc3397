/** Training progress: a redrawn bar on a terminal, a few plain lines otherwise (logs, CI). */

/** A progress reporter for one epoch. */
export interface Progress {
  update(done: number, info: Record<string, number>): void;
  done(info: Record<string, number>): void;
}

function fmtInfo(info: Record<string, number>): string {
  return Object.entries(info).map(([k, v]) => `${k} ${Number.isFinite(v) ? v.toFixed(4) : v}`).join(
    " · ",
  );
}

/**
 * Creates a progress reporter. On a TTY it redraws one line (bar, count, rate, ETA) at most ~10
 * times a second; elsewhere it prints at most ~10 plain lines per epoch plus the final one.
 * Example: `const p = createProgress({ total: 375, label: "epoch 1/12" });`
 */
export function createProgress(opts: {
  total: number;
  label: string;
  tty?: boolean;
  write?: (s: string) => void;
  now?: () => number;
}): Progress {
  const now = opts.now ?? (() => performance.now());
  const tty = opts.tty ?? (opts.write ? false : Deno.stdout.isTerminal());
  const enc = new TextEncoder();
  const write = opts.write ?? ((s: string) => Deno.stdout.writeSync(enc.encode(s)));
  const start = now();
  let lastDraw = -Infinity;
  let lastPlainDecile = -1;
  const line = (done: number, info: Record<string, number>) => {
    const secs = (now() - start) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const eta = rate > 0 ? (opts.total - done) / rate : 0;
    return `${opts.label} ${done}/${opts.total} ${fmtInfo(info)} · ${secs.toFixed(1)}s` +
      (done < opts.total ? ` · eta ${eta.toFixed(0)}s` : "");
  };
  return {
    update(done, info) {
      if (tty) {
        const t = now();
        if (t - lastDraw < 100 && done < opts.total) return;
        lastDraw = t;
        const width = 24;
        const fillN = Math.round((done / opts.total) * width);
        write(`\r\x1b[2K[${"=".repeat(fillN)}${" ".repeat(width - fillN)}] ${line(done, info)}`);
      } else {
        const decile = Math.floor((done / opts.total) * 10);
        if (decile === lastPlainDecile || done === opts.total) return;
        lastPlainDecile = decile;
        write(`${line(done, info)}\n`);
      }
    },
    done(info) {
      write(`${tty ? "\r\x1b[2K" : ""}${line(opts.total, info)}\n`);
    },
  };
}
