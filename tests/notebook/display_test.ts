import assert from "node:assert/strict";
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import { type Tensor, tensor } from "../../kernels/tensor.ts";
import * as layers from "../../layers/mod.ts";
import { Sequential } from "../../layers/sequential.ts";
import { Module } from "../../layers/module.ts";
import { evaluate } from "../../train/evaluate.ts";
import { fit } from "../../train/fit.ts";
import { sgd } from "../../train/optimizers.ts";
import { twoBlobs } from "../train/blobs.ts";
import {
  evaluationBundle,
  imageGrid,
  JUPYTER_DISPLAY,
  lineChart,
  type MimeBundle,
  tensorBundle,
} from "../../notebook/display.ts";

await setDevice("cpu");

const show = (o: unknown): MimeBundle =>
  (o as Record<symbol, () => MimeBundle>)[Symbol.for("Jupyter.display")]();

/** An SVG document: opens with <svg, closes with </svg>, tags balanced enough to parse. */
function assertSvg(s: string | undefined) {
  assert.ok(s, "no SVG");
  assert.match(s, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(s.trimEnd(), /<\/svg>$/);
  const opened = (s.match(/<g[ >]/g) ?? []).length, closed = (s.match(/<\/g>/g) ?? []).length;
  assert.equal(opened, closed, "unbalanced <g>");
}

Deno.test("a small tensor shows as an HTML table with every value", () => {
  const b = show(tensor([1.5, 2, -3, 4, 5, 6], [2, 3]));
  assert.match(b["text/plain"], /^Tensor float32 \[2,3\] on cpu/);
  const html = b["text/html"];
  assert.equal((html.match(/<tr>/g) ?? []).length, 3); // header + 2 rows
  for (const v of ["1.5", "-3.", "6."]) assert.ok(html.includes(`>${v}</td>`), v);
  assert.ok(!html.includes("…"));
});

Deno.test("a large tensor's table is elided to its edges", () => {
  const b = show(tensor(new Float32Array(100 * 50).map((_, i) => i), [100, 50]));
  const html = b["text/html"];
  assert.equal((html.match(/<tr>/g) ?? []).length, 1 + 7); // header + 3 + gap + 3
  assert.ok(html.includes(">…</td>"));
  assert.ok(html.includes(">4999.</td>") && html.includes(">0.</td>"));
});

Deno.test("without synchronous reads (WebGPU) the bundle says to use await t.print()", () => {
  const b = tensorBundle({ shape: [2], dtype: "float32", device: "webgpu" }, "T", undefined);
  assert.ok(b["text/html"].includes("await t.print()"));
  assert.ok(!b["text/html"].includes("<table"));
});

Deno.test("a rank-3 tensor shows its NumPy-style text in <pre>", () => {
  const b = show(tensor(new Float32Array(8).fill(1), [2, 2, 2]));
  assert.match(b["text/html"], /<pre>\[\[\[1\., 1\.\]/);
});

Deno.test("a Sequential model shows its summary as an HTML table", () => {
  const m = new Sequential(
    [layers.dense({ units: 4, activation: "relu" }), layers.dense({ units: 3 })],
    { inputShape: [2], seed: 1 },
  );
  const b = show(m);
  assert.equal(b["text/plain"], m.summary());
  const html = b["text/html"];
  assert.ok(html.includes("<table"));
  assert.ok(html.includes(">12</td>") && html.includes(">15</td>"), html); // 2·4+4, 4·3+3
  assert.ok(html.includes("[null,3]"));
  assert.ok(html.includes("Trainable params: 27"));
});

Deno.test("a Module shows its fields as an HTML table", () => {
  class Net extends Module {
    fc1 = layers.dense({ units: 4 });
    fc2 = layers.dense({ units: 2 });
    forward(x: Tensor) {
      return this.fc2.apply(this.fc1.apply(x));
    }
  }
  const net = new Net().build([3]);
  const html = show(net)["text/html"];
  assert.ok(html.includes("fc1 (Dense)") && html.includes("fc2 (Dense)"), html);
  assert.ok(html.includes(">16</td>") && html.includes(">10</td>"));
});

const blobs = (n: number) => ({ ...twoBlobs(n, 3), classNames: ["left", "right"] });

Deno.test("History shows curves as SVG; its JSON and keys are unchanged", async () => {
  const m = new Sequential([layers.dense({ units: 2 })], { inputShape: [2], seed: 1 });
  const h = await fit(m, blobs(64), {
    epochs: 2,
    batchSize: 16,
    optimizer: sgd({ learningRate: 0.1 }),
    validationSplit: 0.25,
    verbose: false,
  });
  const b = show(h);
  assertSvg(b["image/svg+xml"]);
  assert.ok(b["text/html"].includes("Loss") && b["text/html"].includes("Accuracy"));
  assert.match(b["text/plain"], /^History: 2 epochs/);
  assert.deepEqual(Object.keys(h), ["epochs", "trainSize", "valSize", "steps"]);
  const plain = { epochs: h.epochs, trainSize: h.trainSize, valSize: h.valSize, steps: h.steps };
  assert.equal(JSON.stringify(h), JSON.stringify(plain));
  assert.equal(JSON.stringify({ ...h }), JSON.stringify(plain));
});

Deno.test("Evaluation shows a confusion heat map and per-class precision/recall", async () => {
  const m = new Sequential([layers.dense({ units: 2 })], { inputShape: [2], seed: 1 });
  const ev = await evaluate(m, blobs(32));
  const b = show(ev);
  const html = b["text/html"];
  assert.ok(html.includes("Confusion matrix") && html.includes("precision"));
  assert.ok(html.includes(">left</th>") && html.includes(">right</th>"));
  const cm = ev.confusion!;
  for (const row of cm) for (const v of row) assert.ok(html.includes(`>${v}</td>`));
  assert.ok(html.includes("background:rgb("));
  assert.ok(!Object.keys(ev).some((k) => k.includes("Jupyter")));
  assert.equal(JSON.stringify(ev), JSON.stringify({ ...ev }));
});

Deno.test("evaluationBundle gives per-class scores from the matrix", () => {
  const b = evaluationBundle({
    loss: 0.5,
    accuracy: 0.75,
    n: 4,
    metrics: {},
    confusion: [[1, 1], [0, 2]],
  });
  // precision of class 1 = 2/3, recall of class 0 = 1/2
  assert.ok(b["text/html"].includes(">0.6667</td>") && b["text/html"].includes(">0.5000</td>"));
  assert.match(b["text/plain"], /loss 0\.5000 accuracy 0\.7500/);
});

Deno.test("imageGrid shows an image batch and conv filters as an SVG grid", async () => {
  const batch = tensor(new Float32Array(4 * 5 * 5).map((_, i) => i % 7), [4, 5, 5]);
  const b = show(await imageGrid(batch, { captions: ["a", "b", "c", "d"] }));
  assertSvg(b["image/svg+xml"]);
  assert.equal((b["image/svg+xml"].match(/<image /g) ?? []).length, 4);
  assert.ok(b["image/svg+xml"].includes(">d</text>"));
  const kernel = tensor(new Float32Array(3 * 3 * 1 * 6).map((_, i) => i), [3, 3, 1, 6]);
  const f = show(await imageGrid(kernel, { filters: true }));
  assert.equal((f["image/svg+xml"].match(/<image /g) ?? []).length, 6);
  await assert.rejects(() => imageGrid(kernel), /filters: true/);
});

Deno.test("JUPYTER_DISPLAY is the kernel's registered symbol", () => {
  assert.equal(JUPYTER_DISPLAY, Symbol.for("Jupyter.display"));
});

Deno.test("lineChart draws one line per series and names them", () => {
  const b = show(lineChart({
    title: "loss by optimiser",
    xLabel: "epoch",
    yLabel: "loss",
    series: [{ name: "sgd", x: [1, 2, 3], y: [1, 0.8, 0.7] }, {
      name: "adam",
      x: [1, 2, 3],
      y: [0.9, 0.4, NaN],
    }],
  }));
  assertSvg(b["image/svg+xml"]);
  assert.ok(b["image/svg+xml"].includes(">sgd<") && b["image/svg+xml"].includes(">adam<"));
  assert.equal(b["text/plain"], "loss by optimiser: sgd, adam");
  assert.throws(
    () =>
      lineChart({ title: "t", xLabel: "x", yLabel: "y", series: [{ name: "a", x: [1], y: [] }] }),
    /1 x but 0 y/,
  );
});
