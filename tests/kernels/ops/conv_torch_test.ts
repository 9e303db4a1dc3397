/**
 * The convolutions against PyTorch (/usr/bin/python3, conv_torch.py, float64) on the same
 * inputs: dilated conv2d, conv1d (causal and dilated included) and conv2dTranspose, forward and
 * the gradients of Σ y·r, ours in float32 on the default CPU backend; max abs diff ≤ 1e-5. The
 * pads torch is given are written out by hand from Keras' rules, so our "same"/"causal"
 * resolution is checked too, not copied.
 */
import { conv1d, conv2d, conv2dTranspose } from "../../../kernels/ops/mod.ts";
import type { Tensor } from "../../../kernels/tensor.ts";
import { ignoreWithoutTorch } from "../../torch_python.ts";
import { checkAgainstTorch } from "./torch_parity.ts";

const SCRIPT = new URL("./conv_torch.py", import.meta.url).pathname;

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
  {
    name: "conv2dTranspose 3x3 stride 2 valid, outputPadding 1 (torch's output_padding=1)",
    kind: "conv_transpose2d",
    xShape: [2, 3, 2, 3],
    wShape: [3, 3, 2, 3],
    bias: true,
    pads: [0, 0, 0, 0],
    strides: [2, 2],
    dilations: [1, 1],
    outHW: [8, 6], // (in − 1)·2 + 3 + 1
    ours: (x, w, b) => conv2dTranspose(x, w, { strides: 2, outputPadding: 1, bias: b }),
  },
  {
    name: "conv2dTranspose 4x4 stride 3 same, outputPadding [2, 1] (Keras crops 1 top and left)",
    kind: "conv_transpose2d",
    xShape: [1, 3, 4, 2],
    wShape: [4, 4, 3, 2],
    bias: false,
    pads: [1, 0, 1, 0], // pad 4 and 3: Keras' left pads min(ceil(pad / 2), 3) = 2 → crop 3 − 2
    strides: [3, 3],
    dilations: [1, 1],
    outHW: [8, 10], // (in − 1)·3 + 4 mod 2 + op
    ours: (x, w) => conv2dTranspose(x, w, { strides: 3, padding: "same", outputPadding: [2, 1] }),
  },
  {
    name: "conv2dTranspose 3x1 stride 2 same, outputPadding 1 (a column past the full output)",
    kind: "conv_transpose2d",
    xShape: [1, 3, 4, 2],
    wShape: [3, 1, 2, 2],
    bias: true,
    pads: [0, 0, 0, 0],
    strides: [2, 2],
    dilations: [1, 1],
    outHW: [6, 8], // width (4 − 1)·2 + 1 + 1 = 8, one past the full 7
    ours: (x, w, b) =>
      conv2dTranspose(x, w, { strides: 2, padding: "same", outputPadding: 1, bias: b }),
  },
];

/** The bias length: the filter's last axis, or its third for a transposed filter. */
const outChannels = (j: Job) => j.kind === "conv_transpose2d" ? j.wShape[2] : j.wShape.at(-1)!;

Deno.test({
  name: "convolutions equal PyTorch's (forward and gradients, max abs diff ≤ 1e-5)",
  ignore: ignoreWithoutTorch,
  fn: () =>
    checkAgainstTorch(SCRIPT, JOBS, (j) => [
      { field: "x", shape: j.xShape, phase: 0.1 },
      { field: "w", shape: j.wShape, phase: 0.7 },
      ...(j.bias ? [{ field: "b", shape: [outChannels(j)], phase: 1.3 }] : []),
    ]),
});
