/**
 * Self-contained SVG line charts (no dependencies, no scripts, no external fonts) so training
 * curves open in any browser and render on GitHub.
 * @module
 */
import type { EpochRecord } from "../train/history.ts";

/** One line of a chart: `y[i]` at `x[i]`; non-finite points leave a gap. */
export interface Series {
  /** The legend's label. */
  name: string;
  /** The x value of each point. */
  x: number[];
  /** The y value of each point (NaN or ±Inf: a gap). */
  y: number[];
}

/**
 * One series per run of a per-epoch metric (x the epoch; a missing value is a gap), for a chart
 * that compares runs (variants, rungs of a ladder).
 * Example: `epochSeries(runs, (e) => e.valAcc)` with runs `{ name, epochs: EpochRecord[] }[]`.
 */
export function epochSeries(
  runs: readonly { name: string; epochs: readonly EpochRecord[] }[],
  pick: (e: EpochRecord) => number | undefined,
): Series[] {
  return runs.map((r) => ({
    name: r.name,
    x: r.epochs.map((e) => e.epoch),
    y: r.epochs.map((e) => pick(e) ?? NaN),
  }));
}

/** Options of {@link lineChartSvg}. */
export interface LineChartOptions {
  /** Drawn above the chart. */
  title: string;
  /** The x axis' label. */
  xLabel: string;
  /** The y axis' label. */
  yLabel: string;
  /** The lines, one colour each. */
  series: Series[];
  /** Pixels; default 520. */
  width?: number;
  /** Pixels; default 340. */
  height?: number;
  /** Logarithmic y axis; points with y ≤ 0 are then skipped like NaN. */
  logY?: boolean;
}

/**
 * Tableau 10: distinct hues that stay apart for most colour-blind readers. Series past the tenth
 * reuse them dashed.
 */
export const PALETTE: readonly string[] = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];

/** Escapes text for XML content and attribute values. Example: `escapeXml("a<b")` → `"a&lt;b"`. */
export function escapeXml(s: string): string {
  return s.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!,
  );
}

/**
 * Round tick values (steps of 1, 2 or 5 × 10^k) inside [lo, hi], the step chosen so the count is
 * closest to `count` (the sparser one on a tie).
 * Example: `niceTicks(0, 1)` → `[0, 0.2, 0.4, 0.6, 0.8, 1]`.
 */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (!(hi > lo)) return [lo];
  const eps = 1e-9;
  const mag = Math.pow(10, Math.floor(Math.log10((hi - lo) / Math.max(1, count))));
  let best = { step: 0, first: 0, last: -1, miss: Infinity };
  for (const step of [1, 2, 5, 10, 20].map((m) => m * mag)) {
    const first = Math.ceil(lo / step - eps), last = Math.floor(hi / step + eps);
    const miss = Math.abs(last - first + 1 - count);
    if (miss <= best.miss) best = { step, first, last, miss };
  }
  const ticks: number[] = [];
  // Multiplying an integer index (not summing steps) keeps 0.1 + 0.2 drift out of the labels.
  for (let i = best.first; i <= best.last; i++) ticks.push(+(i * best.step).toPrecision(12));
  return ticks;
}

/** Ticks for a log axis spanning [10^lo, 10^hi]: decades when wide, 1-2-5 (or finer) when not. */
function logTicks(lo: number, hi: number): number[] {
  const span = hi - lo;
  if (span >= 2) {
    const every = Math.max(1, Math.ceil(span / 6));
    const out: number[] = [];
    for (let k = Math.ceil(lo); k <= Math.floor(hi); k++) {
      if (k % every === 0) out.push(+Math.pow(10, k).toPrecision(12));
    }
    return out;
  }
  for (const mantissas of [[1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    const out: number[] = [];
    for (let k = Math.floor(lo); k <= Math.ceil(hi); k++) {
      for (const m of mantissas) {
        const v = +(m * Math.pow(10, k)).toPrecision(12);
        const l = Math.log10(v);
        if (l >= lo - 1e-9 && l <= hi + 1e-9) out.push(v);
      }
    }
    if (out.length >= 3) return out;
  }
  return niceTicks(Math.pow(10, lo), Math.pow(10, hi), 4).filter((v) => v > 0);
}

/** A coordinate for an attribute: one decimal is sub-pixel and keeps files small. */
function n(v: number): string {
  return String(Math.round(v * 10) / 10);
}

function tickLabel(t: number): string {
  return String(+t.toPrecision(4));
}

interface Panel extends LineChartOptions {
  /** Keep only integer x ticks (epochs). */
  integerX?: boolean;
}

/** A chart panel (SVG elements, no `<svg>` wrapper) at (ox, oy) of size w×h. */
function panel(o: Panel, ox: number, oy: number, w: number, h: number): string {
  const m = { l: 60, r: 14, t: 30, b: 42 };
  const pw = Math.max(10, w - m.l - m.r), ph = Math.max(10, h - m.t - m.b);
  const px = ox + m.l, py = oy + m.t;
  const fy = o.logY ? (y: number) => (y > 0 ? Math.log10(y) : NaN) : (y: number) => y;
  const ok = (x: number, y: number) => Number.isFinite(x) && Number.isFinite(fy(y));

  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const s of o.series) {
    for (let i = 0; i < s.x.length; i++) {
      if (!ok(s.x[i], s.y[i])) continue;
      x0 = Math.min(x0, s.x[i]);
      x1 = Math.max(x1, s.x[i]);
      y0 = Math.min(y0, fy(s.y[i]));
      y1 = Math.max(y1, fy(s.y[i]));
    }
  }
  const empty = !(x1 >= x0) || !Number.isFinite(x1 - x0) || !Number.isFinite(y1 - y0);
  if (empty) [x0, x1, y0, y1] = [0, 1, 0, 1];
  if (x0 === x1) [x0, x1] = [x0 - 1, x1 + 1];
  if (y0 === y1) {
    const d = o.logY ? 0.15 : Math.abs(y0) * 0.1 || 0.5;
    [y0, y1] = [y0 - d, y1 + d];
  }
  // A little headroom so lines do not run along the frame.
  const pad = (y1 - y0) * 0.05;
  y0 -= pad;
  y1 += pad;
  const sx = (x: number) => px + ((x - x0) / (x1 - x0)) * pw;
  const sy = (v: number) => py + (1 - (v - y0) / (y1 - y0)) * ph;

  const out: string[] = [];
  out.push(
    `<text x="${n(ox + w / 2)}" y="${n(oy + 19)}" text-anchor="middle" font-size="14" ` +
      `font-weight="bold">${escapeXml(o.title)}</text>`,
  );
  const yTicks = o.logY ? logTicks(y0, y1) : niceTicks(y0, y1);
  for (const t of yTicks) {
    const y = n(sy(fy(t)));
    out.push(`<line x1="${n(px)}" x2="${n(px + pw)}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(
      `<text x="${n(px - 5)}" y="${y}" text-anchor="end" dominant-baseline="middle" ` +
        `font-size="10">${tickLabel(t)}</text>`,
    );
  }
  let xTicks = niceTicks(x0, x1);
  if (o.integerX) {
    const ints = xTicks.filter(Number.isInteger);
    if (ints.length >= 2) xTicks = ints;
  }
  for (const t of xTicks) {
    const x = n(sx(t));
    out.push(`<line x1="${x}" x2="${x}" y1="${n(py + ph)}" y2="${n(py + ph + 4)}" stroke="#999"/>`);
    out.push(
      `<text x="${x}" y="${n(py + ph + 15)}" text-anchor="middle" font-size="10">` +
        `${tickLabel(t)}</text>`,
    );
  }
  out.push(
    `<rect x="${n(px)}" y="${n(py)}" width="${n(pw)}" height="${n(ph)}" fill="none" ` +
      `stroke="#999"/>`,
  );
  out.push(
    `<text x="${n(px + pw / 2)}" y="${n(oy + h - 8)}" text-anchor="middle" font-size="11">` +
      `${escapeXml(o.xLabel)}</text>`,
  );
  out.push(
    `<text transform="translate(${n(ox + 15)},${n(py + ph / 2)}) rotate(-90)" ` +
      `text-anchor="middle" font-size="11">${
        escapeXml(o.yLabel + (o.logY ? " (log)" : ""))
      }</text>`,
  );
  if (empty) {
    out.push(
      `<text x="${n(px + pw / 2)}" y="${n(py + ph / 2)}" text-anchor="middle" ` +
        `dominant-baseline="middle" font-size="12" fill="#999">no data</text>`,
    );
    return out.join("\n");
  }

  // Sample points along every drawn line, used to put the legend where it hides the least.
  const ink: [number, number][] = [];
  o.series.forEach((s, k) => {
    const color = PALETTE[k % PALETTE.length];
    const dash = k >= PALETTE.length ? ` stroke-dasharray="6 3"` : "";
    const pts: [number, number][] = [];
    let d = "", pen = "M", run = 0;
    const isolated: [number, number][] = [];
    const endRun = () => {
      if (run === 1) isolated.push(pts[pts.length - 1]);
      run = 0;
      pen = "M";
    };
    for (let i = 0; i < s.x.length; i++) {
      if (!ok(s.x[i], s.y[i])) {
        endRun();
        continue;
      }
      const p: [number, number] = [sx(s.x[i]), sy(fy(s.y[i]))];
      if (run > 0) {
        const [qx, qy] = pts[pts.length - 1];
        for (let j = 1; j < 8; j++) {
          ink.push([qx + ((p[0] - qx) * j) / 8, qy + ((p[1] - qy) * j) / 8]);
        }
      }
      ink.push(p);
      pts.push(p);
      d += `${pen}${n(p[0])},${n(p[1])} `;
      pen = "L";
      run++;
    }
    endRun();
    if (d) {
      out.push(
        `<path d="${d.trim()}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`,
      );
    }
    // Few points: mark them all (epochs are discrete). Otherwise mark only points a gap left
    // alone, which a path alone would not draw.
    for (const [x, y] of pts.length <= 40 ? pts : isolated) {
      out.push(`<circle cx="${n(x)}" cy="${n(y)}" r="2.5" fill="${color}"/>`);
    }
  });

  const named = o.series.map((s, k) => ({ name: s.name, k })).filter((e) => e.name !== "");
  if (named.length) {
    const lw = 30 + 6 * Math.max(...named.map((e) => e.name.length));
    const lh = named.length * 14 + 6;
    const corners: [number, number][] = [
      [px + pw - lw - 6, py + 6],
      [px + 6, py + 6],
      [px + pw - lw - 6, py + ph - lh - 6],
      [px + 6, py + ph - lh - 6],
    ];
    const hidden = ([cx, cy]: [number, number]) =>
      ink.filter(([x, y]) => x >= cx - 4 && x <= cx + lw + 4 && y >= cy - 4 && y <= cy + lh + 4)
        .length;
    // First corner with the fewest covered points; top right when nothing is in the way.
    const [lx, ly] = corners.reduce((a, b) => (hidden(b) < hidden(a) ? b : a));
    out.push(
      `<rect x="${n(lx)}" y="${n(ly)}" width="${n(lw)}" height="${n(lh)}" ` +
        `fill="white" fill-opacity="0.85" stroke="#ccc"/>`,
    );
    named.forEach((e, i) => {
      const y = n(ly + 10 + i * 14);
      const color = PALETTE[e.k % PALETTE.length];
      const dash = e.k >= PALETTE.length ? ` stroke-dasharray="6 3"` : "";
      out.push(
        `<line x1="${n(lx + 5)}" x2="${n(lx + 21)}" y1="${y}" y2="${y}" stroke="${color}" ` +
          `stroke-width="2"${dash}/>`,
      );
      out.push(
        `<text x="${n(lx + 25)}" y="${y}" dominant-baseline="middle" font-size="10">` +
          `${escapeXml(e.name)}</text>`,
      );
    });
  }
  return out.join("\n");
}

/** A standalone SVG document of `w`×`h` pixels: a title, a white background, then `body`. */
export function svgDocument(w: number, h: number, title: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" ` +
    `viewBox="0 0 ${w} ${h}" font-family="sans-serif">\n<title>${escapeXml(title)}</title>\n` +
    `<rect width="100%" height="100%" fill="white"/>\n${body}\n</svg>\n`;
}

function checkSize(what: string, v: number): number {
  if (!(Number.isFinite(v) && v >= 50)) throw new Error(`lineChartSvg: ${what} ${v} is too small`);
  return Math.round(v);
}

/**
 * A standalone SVG line chart with axes, round ticks, a legend and one colour per series.
 * Non-finite points are skipped and break the line. Series with mismatched x/y lengths throw.
 * Example: `lineChartSvg({ title: "loss", xLabel: "epoch", yLabel: "loss", series })`.
 */
export function lineChartSvg(o: LineChartOptions): string {
  const w = checkSize("width", o.width ?? 520), h = checkSize("height", o.height ?? 340);
  for (const s of o.series) {
    if (s.x.length !== s.y.length) {
      throw new Error(`lineChartSvg: series "${s.name}" has ${s.x.length} x but ${s.y.length} y`);
    }
  }
  return svgDocument(w, h, o.title, panel(o, 0, 0, w, h));
}

/**
 * Training curves: loss (train vs validation) and accuracy (train vs validation) side by side.
 * A validation series is left out when no epoch has one; the accuracy panel says "no data" for
 * regression (accuracy NaN). Example: `await Deno.writeTextFile("curves.svg", curvesSvg(h))`.
 */
export function curvesSvg(
  history: EpochRecord[],
  size: { width?: number; height?: number } = {},
): string {
  const w = checkSize("width", size.width ?? 480), h = checkSize("height", size.height ?? 320);
  const x = history.map((r) => r.epoch);
  const col = (k: "loss" | "acc" | "valLoss" | "valAcc") => history.map((r) => r[k] ?? NaN);
  const series = (train: "loss" | "acc", val: "valLoss" | "valAcc"): Series[] =>
    [{ name: "train", x, y: col(train) }, { name: "validation", x, y: col(val) }]
      .filter((s) => s.y.some(Number.isFinite));
  const common = { xLabel: "epoch", integerX: true };
  const loss = panel(
    { ...common, title: "Loss", yLabel: "loss", series: series("loss", "valLoss") },
    0,
    0,
    w,
    h,
  );
  const acc = panel(
    { ...common, title: "Accuracy", yLabel: "accuracy", series: series("acc", "valAcc") },
    w,
    0,
    w,
    h,
  );
  return svgDocument(2 * w, h, "Training curves", `${loss}\n${acc}`);
}
