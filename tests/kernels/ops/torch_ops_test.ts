/**
 * depthwiseConv2d and resizeBilinear (UpSampling2D's "bilinear") against PyTorch
 * (/usr/bin/python3, torch_ops.py, float64) on the same inputs: F.conv2d(groups=C) and
 * F.interpolate(mode="bilinear", align_corners=False), forward and the gradients of Σ y·r, ours
 * in float32 on the default CPU backend; max abs diff ≤ 1e-5. The pads torch is given are
 * written out by hand from Keras' rules, so our "same" resolution is checked, not copied.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { gradients } from "../../../kernels/autograd.ts";
import { tidy } from "../../../kernels/engine.ts";
import { depthwiseConv2d, mul, resizeBilinear, sum } from "../../../kernels/ops/mod.ts";
import { Rng } from "../../../kernels/random.ts";
import { type Tensor, tensor } from "../../../kernels/tensor.ts";
import { withDir } from "../../io/temp_dir.ts";

const PYTHON = "/usr/bin/python3";
const SCRIPT = new URL("./torch_ops.py", import.meta.url).pathname;

async function torchAvailable(): Promise<boolean> {
  try {
    const r = await new Deno.Command(PYTHON, { args: ["-c", "import torch"], stderr: "null" })
      .output();
    return r.success;
  } catch {
    return false;
  }
}

/** One comparison: our op and what torch_ops.py needs to do the same. */
interface Job {
  name: string;
  kind: "depthwise" | "bilinear";
  xShape: number[];
  wShape?: number[];
  /** depthwise: [top, bottom, left, right] from Keras' rules by hand. */
  pads?: number[];
  strides?: [number, number];
  dilations?: [number, number];
  /** bilinear: the factors [h, w]. */
  scale?: [number, number];
  ours: (x: Tensor, w?: Tensor) => Tensor;
}

const JOBS: Job[] = [
  {
    name: "depthwise 3x3 multiplier 2 same",
    kind: "depthwise",
    xShape: [2, 6, 5, 3],
    wShape: [3, 3, 3, 2],
    pads: [1, 1, 1, 1],
    strides: [1, 1],
    dilations: [1, 1],
    ours: (x, w) => depthwiseConv2d(x, w!, { padding: "same" }),
  },
  {
    name: "depthwise 3x3 stride 2 same (uneven pads)",
    kind: "depthwise",
    xShape: [2, 8, 7, 2],
    wShape: [3, 3, 2, 1],
    pads: [0, 1, 1, 1], // 8 rows: total 1 (bottom); 7 columns: total 2
    strides: [2, 2],
    dilations: [1, 1],
    ours: (x, w) => depthwiseConv2d(x, w!, { strides: 2, padding: "same" }),
  },
  {
    name: "depthwise 2x3 dilation [2, 2] multiplier 3 valid",
    kind: "depthwise",
    xShape: [1, 7, 8, 2],
    wShape: [2, 3, 2, 3],
    pads: [0, 0, 0, 0],
    strides: [1, 1],
    dilations: [2, 2],
    ours: (x, w) => depthwiseConv2d(x, w!, { dilations: 2 }),
  },
  {
    name: "bilinear x2",
    kind: "bilinear",
    xShape: [2, 4, 5, 3],
    scale: [2, 2],
    ours: (x) => resizeBilinear(x, [8, 10]),
  },
  {
    name: "bilinear [3, 2]",
    kind: "bilinear",
    xShape: [1, 3, 4, 2],
    scale: [3, 2],
    ours: (x) => resizeBilinear(x, [9, 8]),
  },
  {
    name: "bilinear x4",
    kind: "bilinear",
    xShape: [1, 2, 3, 1],
    scale: [4, 4],
    ours: (x) => resizeBilinear(x, [8, 12]),
  },
];

/** Deterministic inputs both sides see: sin(0.37·i + c)·0.8. */
const fill = (n: number, c: number) =>
  Array.from({ length: n }, (_, i) => Math.sin(0.37 * i + c) * 0.8);
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

const torchOk = await torchAvailable();

Deno.test({
  name: "depthwiseConv2d and bilinear resize equal PyTorch's (forward, gradients; ≤ 1e-5)",
  ignore: !torchOk && !Deno.env.get("CI"),
  async fn() {
    const ours = JOBS.map((j) =>
      tidy(() => {
        const x = tensor(Float32Array.from(fill(size(j.xShape), 0.1)), j.xShape);
        const w = j.wShape
          ? tensor(Float32Array.from(fill(size(j.wShape), 0.7)), j.wShape)
          : undefined;
        const xs = w ? [x, w] : [x];
        xs.forEach((t) => (t.requiresGrad = true));
        const y = j.ours(x, w);
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
      w: j.wShape ? fill(size(j.wShape), 0.7) : null,
      r: ours[i].r,
    }));
    await withDir(async (dir) => {
      const [inPath, outPath] = [join(dir, "jobs.json"), join(dir, "out.json")];
      await Deno.writeTextFile(inPath, JSON.stringify(jobs));
      const p = await new Deno.Command(PYTHON, { args: [SCRIPT, inPath, outPath] }).output();
      assert.ok(p.success, new TextDecoder().decode(p.stderr));
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
