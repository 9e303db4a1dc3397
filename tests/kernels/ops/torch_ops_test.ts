/**
 * depthwiseConv2d and resizeBilinear (UpSampling2D's "bilinear") against PyTorch
 * (/usr/bin/python3, torch_ops.py, float64) on the same inputs: F.conv2d(groups=C) and
 * F.interpolate(mode="bilinear", align_corners=False), forward and the gradients of Σ y·r, ours
 * in float32 on the default CPU backend; max abs diff ≤ 1e-5. The pads torch is given are
 * written out by hand from Keras' rules, so our "same" resolution is checked, not copied.
 */
import { depthwiseConv2d, resizeBilinear } from "../../../kernels/ops/mod.ts";
import type { Tensor } from "../../../kernels/tensor.ts";
import { ignoreWithoutTorch } from "../../torch_python.ts";
import { checkAgainstTorch } from "./torch_parity.ts";

const SCRIPT = new URL("./torch_ops.py", import.meta.url).pathname;

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

Deno.test({
  name: "depthwiseConv2d and bilinear resize equal PyTorch's (forward, gradients; ≤ 1e-5)",
  ignore: ignoreWithoutTorch,
  fn: () =>
    checkAgainstTorch(SCRIPT, JOBS, (j) => [
      { field: "x", shape: j.xShape, phase: 0.1 },
      ...(j.wShape ? [{ field: "w", shape: j.wShape, phase: 0.7 }] : []),
    ]),
});
