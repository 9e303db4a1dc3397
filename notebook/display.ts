/**
 * Rich display in Deno's Jupyter kernel: MIME bundles (`{ "text/html": …, "text/plain": … }`)
 * that the kernel asks for through `obj[Symbol.for("Jupyter.display")]()`. Tensors, models,
 * `fit`'s History and `evaluate`'s Evaluation carry that method; {@link imageGrid} wraps an image
 * batch or a conv kernel. Nothing here needs `Deno.jupyter`, so it works in any runtime.
 * @module
 */
import type { TypedArray } from "../kernels/dtype.ts";
import { CELL, htmlTable, type MimeBundle, TABLE_STYLE } from "./tensor_display.ts";
import {
  curvesSvg,
  escapeXml,
  type LineChartOptions,
  lineChartSvg,
  type Series,
} from "../experiment/svg_plot.ts";
import { imageGridSvg } from "../experiment/svg_images.ts";
import { precisionRecall } from "../train/metrics.ts";
import type { EpochRecord } from "../train/history.ts";
import type { LayerSummary } from "../layers/model.ts";

export type { EpochRecord, LayerSummary, LineChartOptions, Series };

/** The key Deno's Jupyter kernel looks up on a cell's value. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

export { type MimeBundle, tensorBundle, type TensorDescription } from "./tensor_display.ts";

/** Something the kernel shows richly. */
export interface Displayable {
  /** The bundle the kernel renders. */
  [JUPYTER_DISPLAY](): MimeBundle;
}

/**
 * Gives a plain object (History, Evaluation) a non-enumerable display method, so spreads,
 * `Object.keys` and JSON output stay exactly as before. Returns the same object.
 * Example: `return withDisplay(history, historyBundle);`
 */
export function withDisplay<T extends object>(obj: T, bundle: (o: T) => MimeBundle): T {
  Object.defineProperty(obj, JUPYTER_DISPLAY, {
    value: () => bundle(obj),
    enumerable: false,
    configurable: true,
  });
  return obj;
}

/** What {@link modelBundle} reads from a layer, model or module (structural, no import cycle). */
export interface SummarisedLayer {
  /** The layer's name. */
  name: string;
  /** The text table (`text/plain`, and the totals). */
  summary(): string;
  /** Trainable parameters. */
  countParams(): number;
  /** A Model's graph nodes. */
  layerSummaries?(): LayerSummary[];
  /** A Module's fields. */
  namedChildren?(): [string, SummarisedLayer][];
}

/**
 * A model's summary as an HTML table: a Model's or Sequential's graph nodes (output shape,
 * parameters, inputs), a Module's fields (path, type, parameters), with the summary's totals;
 * `text/plain` is `summary()`. Example: `modelBundle(net)["text/html"]`.
 */
export function modelBundle(layer: SummarisedLayer): MimeBundle {
  const text = layer.summary();
  const n = (k: number) => k.toLocaleString("en-US");
  let table: string;
  if (layer.layerSummaries) {
    const rows = layer.layerSummaries().map((r) => [
      escapeXml(`${r.name} (${r.type})`),
      escapeXml(r.outputShapes.map((s) => `[null,${s.join(",")}]`).join(" ")),
      n(r.params),
      escapeXml([...r.inbound, ...r.options].join(", ")),
    ]);
    table = htmlTable(["Layer (type)", "Output shape", "Params", "Connected to"], rows);
  } else {
    const rows: string[][] = [];
    const walk = (prefix: string, l: SummarisedLayer) => {
      for (const [path, c] of l.namedChildren?.() ?? []) {
        rows.push([escapeXml(`${prefix}${path} (${c.constructor.name})`), n(c.countParams())]);
        walk(`${prefix}${path}.`, c);
      }
    };
    walk("", layer);
    if (!rows.length) rows.push([escapeXml(`${layer.name}`), n(layer.countParams())]);
    table = htmlTable(["Field (type)", "Params"], rows);
  }
  // The totals are the summary's own footer lines, so text and HTML never disagree.
  const footer = text.split("\n").filter((l) => /^(Trainable params|Non-trainable|Input):/.test(l));
  const foot = footer.map((l) => `<div style="font-family:monospace">${escapeXml(l)}</div>`);
  return {
    "text/plain": text,
    "text/html": `<div><b>${escapeXml(layer.name)}</b></div>${table}${foot.join("")}`,
  };
}

/** What {@link historyBundle} reads: `fit`'s History. */
export interface HistoryLike {
  /** One record per epoch. */
  epochs: EpochRecord[];
}

/**
 * `fit`'s History as the loss and accuracy curves (inline SVG, train vs validation) and, as
 * text, the last epoch's numbers. Example: `historyBundle(await fit(model, data, opts))`.
 */
export function historyBundle(h: HistoryLike): MimeBundle {
  const last = h.epochs.at(-1);
  const f = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? "-" : v.toFixed(4));
  const text = last
    ? `History: ${h.epochs.length} epochs, last loss ${f(last.loss)} acc ${f(last.acc)}` +
      (last.valLoss !== undefined ? ` valLoss ${f(last.valLoss)} valAcc ${f(last.valAcc)}` : "")
    : "History: no epochs";
  if (!last) return { "text/plain": text, "text/html": `<div>${escapeXml(text)}</div>` };
  const svg = curvesSvg(h.epochs);
  return { "text/plain": text, "image/svg+xml": svg, "text/html": svg };
}

/** What {@link evaluationBundle} reads: `evaluate`'s Evaluation. */
export interface EvaluationLike {
  /** Mean loss. */
  loss: number;
  /** NaN for regression. */
  accuracy: number;
  /** Samples evaluated. */
  n: number;
  /** Rows = true class, columns = predicted. */
  confusion?: number[][];
  /** Extra metrics by name. */
  metrics: Record<string, number>;
}

/** White to blue by the share of a row (true class) that a cell holds. */
function heat(share: number): string {
  const v = Math.round(255 - 200 * Math.max(0, Math.min(1, share)));
  return `background:rgb(${v},${Math.round(v * 0.9 + 20)},255);color:${
    share > 0.6 ? "white" : "black"
  }`;
}

/**
 * `evaluate`'s result: loss, accuracy, extra metrics, and for classification the confusion
 * matrix as a heat map (rows true, columns predicted, shaded by row share) with per-class
 * precision, recall and F1. Example: `evaluationBundle(ev, ["cat", "dog"])`.
 */
export function evaluationBundle(e: EvaluationLike, classNames?: readonly string[]): MimeBundle {
  const f = (v: number) => (Number.isNaN(v) ? "-" : v.toFixed(4));
  const extra = Object.entries(e.metrics).map(([k, v]) => `${k} ${f(v)}`).join(" ");
  const text = `Evaluation on ${e.n} samples: loss ${f(e.loss)} accuracy ${f(e.accuracy)}` +
    (extra ? ` ${extra}` : "");
  let html = `<div style="font-family:monospace">${escapeXml(text)}</div>`;
  if (e.confusion && e.confusion.length) {
    const k = e.confusion.length;
    const name = (i: number) => escapeXml(classNames?.[i] ?? String(i));
    const { precision, recall, f1 } = precisionRecall(e.confusion);
    const cells = e.confusion.map((row, i) => {
      const total = row.reduce((a, b) => a + b, 0);
      const tds = row.map((v) => `<td style="${CELL};${heat(total ? v / total : 0)}">${v}</td>`);
      return `<tr><th style="${CELL}">${name(i)}</th>${tds.join("")}</tr>`;
    });
    const head = Array.from({ length: k }, (_, j) => `<th style="${CELL}">${name(j)}</th>`);
    html += `<table style="${TABLE_STYLE}"><caption style="text-align:left">` +
      `Confusion matrix (rows: true class, columns: predicted)</caption>` +
      `<thead><tr><th style="${CELL}">true \\ pred</th>${head.join("")}</tr></thead>\n` +
      `<tbody>\n${cells.join("\n")}\n</tbody></table>`;
    const rows = Array.from({ length: k }, (_, c) => [
      name(c),
      f(precision[c]),
      f(recall[c]),
      f(f1[c]),
    ]);
    html += htmlTable(["class", "precision", "recall", "F1"], rows, "Per-class scores");
  }
  return { "text/plain": text, "text/html": html };
}

/** Options of {@link imageGrid}. */
export interface ImageGridDisplayOptions {
  /** One caption per image (e.g. `"7→2"`). */
  captions?: string[];
  /** Images per row; default `ceil(sqrt(n))`. */
  cols?: number;
  /** Screen pixels per image pixel. */
  scale?: number;
  /** Drawn above the grid. */
  title?: string;
}

/** What {@link imageGrid} reads: a tensor's shape and its values, read on any device. */
export interface ImageSource {
  /** `[n, h, w]`, `[n, h, w, c]` or a kernel's `[kh, kw, cin, filters]`. */
  shape: readonly number[];
  /** All values, row-major. */
  data(): Promise<TypedArray>;
}

/**
 * An image batch `[n, h, w]` / `[n, h, w, 1|3]` (NHWC), or a conv kernel `[kh, kw, cin, filters]`
 * with `{ filters: true }` (one grey tile per filter and input channel), as a grid the kernel
 * shows inline (SVG). Async because it reads the values (any device).
 * Example: `await imageGrid(test.x.slice(0, 16), { captions })` as a cell's last expression.
 */
export async function imageGrid(
  x: ImageSource,
  opts: ImageGridDisplayOptions & { filters?: boolean } = {},
): Promise<Displayable> {
  const s = x.shape;
  const v = await x.data();
  let images: Float32Array, n: number, h: number, w: number, c: 1 | 3;
  if (opts.filters) {
    if (s.length !== 4) {
      throw new Error(`imageGrid: a conv kernel is [kh, kw, cin, filters], got [${s.join(",")}]`);
    }
    [h, w] = s;
    const cin = s[2], f = s[3];
    n = cin * f;
    c = 1;
    images = new Float32Array(n * h * w);
    // Tile (filter o, input channel i) gathers kernel[y, x, i, o].
    for (let o = 0; o < f; o++) {
      for (let i = 0; i < cin; i++) {
        for (let p = 0; p < h * w; p++) {
          images[(o * cin + i) * h * w + p] = v[(p * cin + i) * f + o];
        }
      }
    }
  } else {
    const ch = s.length === 3 ? 1 : s[3];
    if ((s.length !== 3 && s.length !== 4) || (ch !== 1 && ch !== 3)) {
      throw new Error(
        `imageGrid: images are [n, h, w] or [n, h, w, 1|3] (NHWC), got [${s.join(",")}]; ` +
          `pass { filters: true } for a conv kernel`,
      );
    }
    [n, h, w] = s;
    c = ch;
    images = Float32Array.from(v);
  }
  const svg = imageGridSvg({
    images,
    n,
    height: h,
    width: w,
    channels: c,
    captions: opts.captions,
    cols: opts.cols ?? (opts.filters ? s[2] === 1 ? undefined : s[2] : undefined),
    scale: opts.scale,
    title: opts.title,
  });
  const text = `${n} images ${h}×${w}×${c}`;
  return { [JUPYTER_DISPLAY]: () => ({ "text/plain": text, "image/svg+xml": svg }) };
}

/**
 * Several curves on one chart (say the loss of each optimiser against the epoch), which the
 * kernel shows inline as SVG; non-finite points leave a gap.
 * Example: `lineChart({ title: "loss", xLabel: "epoch", yLabel: "loss", series: [{ name: "adam", x: [1, 2], y: [0.9, 0.5] }] })`.
 */
export function lineChart(o: LineChartOptions): Displayable {
  const svg = lineChartSvg(o);
  const text = `${o.title}: ${o.series.map((s) => s.name).join(", ")}`;
  return { [JUPYTER_DISPLAY]: () => ({ "text/plain": text, "image/svg+xml": svg }) };
}
