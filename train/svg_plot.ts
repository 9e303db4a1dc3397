import type { EpochRecord } from "./history.ts";

/** Self-contained SVG line charts (no dependencies) for training curves. */

/** One line of a chart. */
export interface Series {
  name: string;
  x: number[];
  y: number[];
}

const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];

/** Escapes text for XML. */
export function escapeXml(s: string): string {
  return s.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!,
  );
}

/** About five round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
    ticks.push(+t.toPrecision(12));
  }
  return ticks;
}

/**
 * An SVG `<g>` chart panel at (ox, oy) of size w×h. NaN/undefined points are skipped, breaking
 * the line.
 */
function panel(
  o: { title: string; xLabel: string; yLabel: string; series: Series[] },
  ox: number,
  oy: number,
  w: number,
  h: number,
): string {
  const m = { l: 56, r: 12, t: 28, b: 40 };
  const pts = o.series.flatMap((s) => s.x.map((x, i) => [x, s.y[i]])).filter(([x, y]) =>
    Number.isFinite(x) && Number.isFinite(y)
  );
  const xs = pts.map((p) => p[0]), ys = pts.map((p) => p[1]);
  let [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  let [y0, y1] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  if (x0 === x1) [x0, x1] = [x0 - 1, x1 + 1];
  if (y0 === y1) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const pad = (y1 - y0) * 0.05;
  y0 -= pad;
  y1 += pad;
  const pw = w - m.l - m.r, ph = h - m.t - m.b;
  const sx = (x: number) => ox + m.l + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y: number) => oy + m.t + (1 - (y - y0) / (y1 - y0)) * ph;
  const out: string[] = [];
  out.push(
    `<text x="${ox + w / 2}" y="${oy + 18}" text-anchor="middle" font-size="14">${
      escapeXml(o.title)
    }</text>`,
  );
  out.push(
    `<rect x="${ox + m.l}" y="${
      oy + m.t
    }" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`,
  );
  for (const t of niceTicks(y0, y1)) {
    const y = sy(t).toFixed(1);
    out.push(`<line x1="${ox + m.l}" x2="${ox + m.l + pw}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    out.push(
      `<text x="${
        ox + m.l - 4
      }" y="${y}" text-anchor="end" dominant-baseline="middle" font-size="10">${+t.toPrecision(
        4,
      )}</text>`,
    );
  }
  for (const t of niceTicks(x0, x1)) {
    out.push(
      `<text x="${sx(t).toFixed(1)}" y="${
        oy + m.t + ph + 14
      }" text-anchor="middle" font-size="10">${+t.toPrecision(4)}</text>`,
    );
  }
  out.push(
    `<text x="${ox + m.l + pw / 2}" y="${oy + h - 6}" text-anchor="middle" font-size="11">${
      escapeXml(o.xLabel)
    }</text>`,
  );
  out.push(
    `<text transform="translate(${ox + 14},${
      oy + m.t + ph / 2
    }) rotate(-90)" text-anchor="middle" font-size="11">${escapeXml(o.yLabel)}</text>`,
  );
  o.series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length];
    let d = "", pen = "M";
    s.x.forEach((x, i) => {
      const y = s.y[i];
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        pen = "M";
        return;
      }
      d += `${pen}${sx(x).toFixed(1)},${sy(y).toFixed(1)} `;
      pen = "L";
    });
    if (d) out.push(`<path d="${d.trim()}" fill="none" stroke="${color}" stroke-width="2"/>`);
    const ly = oy + m.t + 12 + k * 14;
    out.push(
      `<line x1="${ox + m.l + pw - 110}" x2="${
        ox + m.l + pw - 94
      }" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"/>`,
    );
    out.push(
      `<text x="${ox + m.l + pw - 90}" y="${ly}" dominant-baseline="middle" font-size="10">${
        escapeXml(s.name)
      }</text>`,
    );
  });
  return out.join("\n");
}

function svg(w: number, h: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n${body}\n</svg>\n`;
}

/** A single line chart. Example: `lineChartSvg({ title: "loss", xLabel: "epoch", yLabel: "loss", series })`. */
export function lineChartSvg(
  o: {
    title: string;
    xLabel: string;
    yLabel: string;
    series: Series[];
    width?: number;
    height?: number;
  },
): string {
  const w = o.width ?? 520, h = o.height ?? 340;
  return svg(w, h, panel(o, 0, 0, w, h));
}

/** Loss and accuracy curves (train vs validation) side by side. */
export function curvesSvg(history: EpochRecord[]): string {
  const x = history.map((r) => r.epoch);
  const col = (k: keyof EpochRecord) => history.map((r) => (r[k] ?? NaN) as number);
  const w = 520, h = 340;
  return svg(
    2 * w,
    h,
    panel(
      {
        title: "Loss",
        xLabel: "epoch",
        yLabel: "loss",
        series: [{ name: "train", x, y: col("loss") }, {
          name: "validation",
          x,
          y: col("valLoss"),
        }],
      },
      0,
      0,
      w,
      h,
    ) +
      "\n" +
      panel(
        {
          title: "Accuracy",
          xLabel: "epoch",
          yLabel: "accuracy",
          series: [{ name: "train", x, y: col("acc") }, {
            name: "validation",
            x,
            y: col("valAcc"),
          }],
        },
        w,
        0,
        w,
        h,
      ),
  );
}
