/**
 * A decision-boundary picture like TensorFlow Playground's, for any 2-D classifier: the net's output over the plane as a heat
 * map (orange −1 … white 0 … blue +1), the 0 contour where the colour turns, and the train
 * points (white rim) and test points (black rim) on top. Self-contained SVG.
 * @module
 */
import { escapeXml, svgDocument } from "./svg_plot.ts";

/** Labelled (x1, x2) points, interleaved [n, 2]; labels 0/1 (1 is drawn blue). */
export interface LabelledPoints {
  points: Float32Array;
  labels: Int32Array;
}

/** Options of {@link decisionBoundarySvg}. */
export interface BoundaryOptions {
  title: string;
  /** Square domain [−extent, extent]² shown. */
  extent: number;
  /** Cells per side of the heat map. */
  resolution: number;
  /** Net output at the cell centres, row-major from the top-left, in [−1, 1] (see `gridPoints`). */
  values: Float32Array;
  train: LabelledPoints;
  test: LabelledPoints;
  /** Pixels per side of the plot area (default 360). */
  size?: number;
}

/**
 * The (x1, x2) centres of a `resolution`² grid over [−extent, extent]², row-major from the top
 * (x2 = +extent) left (x1 = −extent): the order `decisionBoundarySvg` expects values in.
 * Example: `gridPoints(6, 50)` → Float32Array of 2·2500 numbers.
 */
export function gridPoints(extent: number, resolution: number): Float32Array {
  const out = new Float32Array(2 * resolution * resolution);
  const step = (2 * extent) / resolution;
  for (let r = 0; r < resolution; r++) {
    for (let c = 0; c < resolution; c++) {
      const i = r * resolution + c;
      out[2 * i] = -extent + (c + 0.5) * step;
      out[2 * i + 1] = extent - (r + 0.5) * step;
    }
  }
  return out;
}

/** The Playground's diverging colours: orange for −1, white at 0, blue for +1. */
export function outputColor(v: number): string {
  const t = Math.max(-1, Math.min(1, Number.isFinite(v) ? v : 0));
  const [end, w] = t < 0 ? [[245, 147, 34], -t] : [[8, 119, 189], t];
  const mix = (k: number) => Math.round(255 + (end[k] - 255) * w);
  const hex = (n: number) => n.toString(16).padStart(2, "0");
  return `#${hex(mix(0))}${hex(mix(1))}${hex(mix(2))}`;
}

/** The heat map, points and a legend as one SVG document. */
export function decisionBoundarySvg(o: BoundaryOptions): string {
  const n = o.resolution;
  if (o.values.length !== n * n) {
    throw new Error(`decisionBoundarySvg: ${o.values.length} values for a ${n}×${n} grid`);
  }
  const size = o.size ?? 360;
  const m = { l: 40, t: 34, r: 130, b: 34 };
  const cell = size / n;
  const sx = (x: number) => m.l + ((x + o.extent) / (2 * o.extent)) * size;
  const sy = (y: number) => m.t + ((o.extent - y) / (2 * o.extent)) * size;
  const f = (v: number) => String(Math.round(v * 10) / 10);
  const out: string[] = [];
  const w = m.l + size + m.r, h = m.t + size + m.b;
  out.push(
    `<text x="${f(w / 2)}" y="20" text-anchor="middle" font-size="12" ` +
      `font-weight="bold">${escapeXml(o.title)}</text>`,
  );
  // 21 colour levels (steps of 0.1), as the Playground's discrete scale; runs of one level
  // along a row become one rect, which keeps the file small.
  const level = (v: number) => outputColor(Math.round(v * 10) / 10);
  for (let r = 0; r < n; r++) {
    let c = 0;
    while (c < n) {
      const col = level(o.values[r * n + c]);
      let e = c + 1;
      while (e < n && level(o.values[r * n + e]) === col) e++;
      out.push(
        `<rect x="${f(m.l + c * cell)}" y="${f(m.t + r * cell)}" width="${
          f((e - c) * cell + 0.3)
        }" ` +
          `height="${f(cell + 0.3)}" fill="${col}"/>`,
      );
      c = e;
    }
  }
  // The 0 contour: cell edges where the output changes sign.
  let d = "";
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const s = o.values[r * n + c] >= 0;
      if (c + 1 < n && (o.values[r * n + c + 1] >= 0) !== s) {
        const x = m.l + (c + 1) * cell;
        d += `M${f(x)},${f(m.t + r * cell)}v${f(cell)}`;
      }
      if (r + 1 < n && (o.values[(r + 1) * n + c] >= 0) !== s) {
        const y = m.t + (r + 1) * cell;
        d += `M${f(m.l + c * cell)},${f(y)}h${f(cell)}`;
      }
    }
  }
  if (d) out.push(`<path d="${d}" stroke="#333" stroke-width="1" fill="none"/>`);
  const dots = (p: LabelledPoints, rim: string) => {
    for (let i = 0; i < p.labels.length; i++) {
      const x = p.points[2 * i], y = p.points[2 * i + 1];
      if (Math.abs(x) > o.extent || Math.abs(y) > o.extent) continue;
      out.push(
        `<circle cx="${f(sx(x))}" cy="${f(sy(y))}" r="3" fill="${
          outputColor(p.labels[i] === 1 ? 1 : -1)
        }" stroke="${rim}" stroke-width="1"/>`,
      );
    }
  };
  dots(o.train, "white");
  dots(o.test, "black");
  out.push(
    `<rect x="${m.l}" y="${m.t}" width="${size}" height="${size}" fill="none" stroke="#999"/>`,
  );
  for (const t of [-o.extent, 0, o.extent]) {
    out.push(
      `<text x="${f(sx(t))}" y="${
        f(m.t + size + 14)
      }" text-anchor="middle" font-size="10">${t}</text>`,
      `<text x="${m.l - 5}" y="${f(sy(t))}" text-anchor="end" dominant-baseline="middle" ` +
        `font-size="10">${t}</text>`,
    );
  }
  out.push(
    `<text x="${f(m.l + size / 2)}" y="${f(m.t + size + 28)}" text-anchor="middle" ` +
      `font-size="11">x1</text>`,
    `<text x="12" y="${f(m.t + size / 2)}" font-size="11" dominant-baseline="middle">x2</text>`,
  );
  const lx = m.l + size + 12;
  const legend: [string, string, string][] = [
    [outputColor(1), "white", "train, class +1"],
    [outputColor(-1), "white", "train, class −1"],
    [outputColor(1), "black", "test, class +1"],
    [outputColor(-1), "black", "test, class −1"],
  ];
  legend.forEach(([fill, rim, label], i) => {
    const y = m.t + 10 + i * 16;
    out.push(
      `<circle cx="${lx + 5}" cy="${y}" r="4" fill="${fill}" stroke="${
        rim === "white" ? "#999" : rim
      }"/>`,
      `<text x="${lx + 14}" y="${y}" dominant-baseline="middle" font-size="10">${label}</text>`,
    );
  });
  out.push(
    `<text x="${lx}" y="${m.t + 84}" font-size="10">background: output</text>`,
    `<text x="${lx}" y="${m.t + 98}" font-size="10">(orange −1, blue +1)</text>`,
  );
  return svgDocument(w, h, o.title, out.join("\n"));
}
