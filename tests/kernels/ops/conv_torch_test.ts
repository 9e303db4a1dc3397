/**
 * The convolutions against PyTorch (/usr/bin/python3, conv_torch.py, float64) on the same
 * inputs: dilated conv2d, conv1d (causal and dilated included) and conv2dTranspose, forward and
 * the gradients of Σ y·r, ours in float32 on the default CPU backend; max abs diff ≤ 1e-5. The
 * pads torch is given are written out by hand from Keras' rules, so our "same"/"causal"
 * resolution is checked too, not copied.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { gradients } from "../../../kernels/autograd.ts";
import { tidy } from "../../../kernels/engine.ts";
import { conv1d, conv2d, conv2dTranspose, mul, sum } from "../../../kernels/ops/mod.ts";
import { Rng } from "../../../kernels/random.ts";
import { type Tensor, tensor } from "../../../kernels/tensor.ts";
import { withDir } from "../../io/temp_dir.ts";

const PYTHON = "/usr/bin/python3";
const SCRIPT = new URL("./conv_torch.py", import.meta.url).pathname;

async function torchAvailable(): Promise<boolean> {
  try {
    const r = await new Deno.Command(PYTHON, { args: ["-c", "import torch"], stderr: "null" })
      .output();
    return r.success;
  } catch {
    return false;
  }
}

/** One comparison: our op on (x, w, b?) and what conv_torch.py needs to do the same. */
interface Job {
  name: string;
  kind: "conv2d" | "conv1d" | "conv_transpose2d";
  xShape: number[];
  wShape: number[];
  bias: boolean;
  /** [top, bottom, left, right] (conv1d: [0, 0, left, right]), from Keras' rules by hand. */
  pads: number[];
  strides: [number, number];
  dilations: [number, number];
  /** conv_transpose2d: Keras' output height and width. */
  outHW?: [number, number];
  ours: (x: Tensor, w: Tensor, b?: Tensor) => Tensor;
}

const JOBS: Job[] = [
  {
    name: "conv2d 3x3 dilation 2 same",
    kind: "conv2d",
    xShape: [2, 7, 6, 3],
    wShape: [3, 3, 3, 4],
    bias: true,
    pads: [2, 2, 2, 2], // extent 5: total 4
    strides: [1, 1],
    dilations: [2, 2],
    ours: (x, w, b) => conv2d(x, w, { padding: "same", dilations: 2, bias: b }),
  },
  {
    name: "conv2d 2x3 dilation [3, 2] same (uneven pads)",
    kind: "conv2d",
    xShape: [1, 8, 7, 2],
    wShape: [2, 3, 2, 3],
    bias: false,
    pads: [1, 2, 2, 2], // extents 4 (total 3: odd row at the bottom) and 5
    strides: [1, 1],
    dilations: [3, 2],
    ours: (x, w) => conv2d(x, w, { padding: "same", dilations: [3, 2] }),
  },
  {
    name: "conv2d 3x3 dilation 2 valid",
    kind: "conv2d",
    xShape: [2, 9, 8, 2],
    wShape: [3, 3, 2, 5],
    bias: true,
    pads: [0, 0, 0, 0],
    strides: [1, 1],
    dilations: [2, 2],
    ours: (x, w, b) => conv2d(x, w, { dilations: 2, bias: b }),
  },
  {
    name: "conv1d causal dilation 2",
    kind: "conv1d",
    xShape: [2, 11, 3],
    wShape: [3, 3, 4],
    bias: true,
    pads: [0, 0, 4, 0], // (k − 1)·d on the left
    strides: [1, 1],
    dilations: [1, 2],
    ours: (x, w, b) => conv1d(x, w, { padding: "causal", dilations: 2, bias: b }),
  },
  {
    name: "conv1d same k=4 (uneven pads)",
    kind: "conv1d",
    xShape: [2, 9, 2],
    wShape: [4, 2, 3],
    bias: false,
    pads: [0, 0, 1, 2],
    strides: [1, 1],
    dilations: [1, 1],
    ours: (x, w) => conv1d(x, w, { padding: "same" }),
  },
  {
    name: "conv1d valid stride 2",
    kind: "conv1d",
    xShape: [3, 10, 2],
    wShape: [3, 2, 5],
    bias: true,
    pads: [0, 0, 0, 0],
    strides: [1, 2],
    dilations: [1, 1],
    ours: (x, w, b) => conv1d(x, w, { strides: 2, bias: b }),
  },
  {
    name: "conv2dTranspose 3x3 stride 2 same (odd total: crop 0 top, 1 bottom)",
    kind: "conv_transpose2d",
    xShape: [2, 4, 3, 3],
    wShape: [3, 3, 2, 3], // [kh, kw, out, in]
    bias: true,
    pads: [0, 1, 0, 1],
    strides: [2, 2],
    dilations: [1, 1],
    outHW: [8, 6],
    ours: (x, w, b) => conv2dTranspose(x, w, { strides: 2, padding: "same", bias: b }),
  },
  {
    name: "conv2dTranspose 4x4 stride 2 same (even total)",
    kind: "conv_transpose2d",
    xShape: [1, 3, 4, 2],
    wShape: [4, 4, 3, 2],
    bias: false,
    pads: [1, 1, 1, 1],
    strides: [2, 2],
    dilations: [1, 1],
    outHW: [6, 8],
    ours: (x, w) => conv2dTranspose(x, w, { strides: 2, padding: "same" }),
  },
  {
    name: "conv2dTranspose 2x1 stride 3 valid (kernel below stride)",
    kind: "conv_transpose2d",
    xShape: [2, 3, 2, 2],
    wShape: [2, 1, 4, 2],
    bias: true,
    pads: [0, 0, 0, 0],
    strides: [3, 3],
    dilations: [1, 1],
    outHW: [9, 6],
    ours: (x, w, b) => conv2dTranspose(x, w, { strides: 3, bias: b }),
  },
  {
    name: "conv2dTranspose 3x2 dilation 2 valid",
    kind: "conv_transpose2d",
    xShape: [1, 4, 4, 3],
    wShape: [3, 2, 2, 3],
    bias: true,
    pads: [0, 0, 0, 0],
    strides: [1, 1],
    dilations: [2, 2],
    outHW: [8, 6],
    ours: (x, w, b) => conv2dTranspose(x, w, { dilations: 2, bias: b }),
  },
];

/** Deterministic inputs both sides see: sin(0.37·i + c)·0.8. */
const fill = (n: number, c: number) =>
  Array.from({ length: n }, (_, i) => Math.sin(0.37 * i + c) * 0.8);
/** The bias length: the filter's last axis, or its third for a transposed filter. */
const outChannels = (j: Job) => j.kind === "conv_transpose2d" ? j.wShape[2] : j.wShape.at(-1)!;
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

const torchOk = await torchAvailable();

Deno.test({
  name: "convolutions equal PyTorch's (forward and gradients, max abs diff ≤ 1e-5)",
  ignore: !torchOk && !Deno.env.get("CI"),
  async fn() {
    const ours = JOBS.map((j) =>
      tidy(() => {
        const x = tensor(Float32Array.from(fill(size(j.xShape), 0.1)), j.xShape);
        const w = tensor(Float32Array.from(fill(size(j.wShape), 0.7)), j.wShape);
        const b = j.bias ? tensor(Float32Array.from(fill(outChannels(j), 1.3))) : undefined;
        const xs = b ? [x, w, b] : [x, w];
        xs.forEach((t) => (t.requiresGrad = true));
        const y = j.ours(x, w, b);
        const rng = new Rng(5);
        const r = Float32Array.from({ length: y.size }, () => rng.normal());
        const grads = gradients(sum(mul(y, tensor(r, y.shape))), xs);
        return {
          y: y.dataSync(),
          yShape: y.shape,
          r: Array.from(r),
          grads: grads.map((g) => g!.dataSync()),
        };
      })
    );
    const jobs = JOBS.map((j, i) => ({
      ...j,
      x: fill(size(j.xShape), 0.1),
      w: fill(size(j.wShape), 0.7),
      b: j.bias ? fill(outChannels(j), 1.3) : null,
      r: ours[i].r,
    }));
    await withDir(async (dir) => {
      const [inPath, outPath] = [join(dir, "jobs.json"), join(dir, "out.json")];
      await Deno.writeTextFile(inPath, JSON.stringify(jobs));
      const p = await new Deno.Command(PYTHON, { args: [SCRIPT, inPath, outPath] }).output();
      const td = new TextDecoder();
      assert.ok(p.success, td.decode(p.stderr));
      const torch = JSON.parse(await Deno.readTextFile(outPath));
      for (const [i, j] of JOBS.entries()) {
        assert.deepEqual(ours[i].yShape, torch[i].yShape, `${j.name}: output shape`);
        const d = maxAbsDiff(ours[i].y, torch[i].y);
        const dg = ours[i].grads.map((g, k) => maxAbsDiff(g, torch[i].grads[k]));
        console.log(
          `  ${j.name}: forward ${d.toExponential(1)}, grads ${
            dg.map((e) => e.toExponential(1)).join(" ")
          }`,
        );
        assert.ok(d <= 1e-5, `${j.name}: forward differs from torch by ${d}`);
        dg.forEach((e, k) => assert.ok(e <= 1e-5, `${j.name}: gradient ${k} differs by ${e}`));
      }
    });
  },
});
