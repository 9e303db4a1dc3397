import type { OpTestCase } from "../../../kernels/op.ts";

/**
 * Shapes that stress WebGPU tiling beyond the registry's own cases: sizes that are not multiples
 * of the 64×64×16 GEMM tile, batch 1, 1×1 kernels, stride 2, padding, long reductions, and
 * dtypes the registry's float64 cases leave out.
 */
const pads = (top: number, bottom: number, left: number, right: number) => ({
  top,
  bottom,
  left,
  right,
});

export const extraGpuCases: Record<string, OpTestCase<unknown>[]> = {
  matmul: [
    {
      name: "65x70·70x129 odd tiles",
      inputs: [{ shape: [65, 70] }, { shape: [70, 129] }],
      attrs: { transposeA: false, transposeB: false },
    },
    {
      name: "Aᵀ 33x1·33x17",
      inputs: [{ shape: [33, 1] }, { shape: [33, 17] }],
      attrs: { transposeA: true, transposeB: false },
    },
    {
      name: "split-K: Aᵀ 1300x5·1300x7",
      inputs: [{ shape: [1300, 5] }, { shape: [1300, 7] }],
      attrs: { transposeA: true, transposeB: false },
    },
    {
      name: "Bᵀ 1x300·5x300",
      inputs: [{ shape: [1, 300] }, { shape: [5, 300] }],
      attrs: { transposeA: false, transposeB: true },
    },
    // K and N multiples of 4: both operands read as vec4s, with odd M and tile edges.
    {
      name: "vec4 A and B: 67x36·36x132",
      inputs: [{ shape: [67, 36] }, { shape: [36, 132] }],
      attrs: { transposeA: false, transposeB: false },
    },
    {
      name: "vec4 B only, split-K: Aᵀ 1300x6·1300x8",
      inputs: [{ shape: [1300, 6] }, { shape: [1300, 8] }],
      attrs: { transposeA: true, transposeB: false },
    },
    {
      name: "vec4 A only, split-K: 9x2048·Bᵀ 5x2048",
      inputs: [{ shape: [9, 2048] }, { shape: [5, 2048] }],
      attrs: { transposeA: false, transposeB: true },
    },
  ],
  conv2d: [
    {
      name: "Cout 12 (vec4 filter and dy loads), 3x3 same, stride 1",
      inputs: [{ shape: [3, 7, 6, 5] }, { shape: [3, 3, 5, 12] }],
      attrs: { strides: [1, 1], pads: pads(1, 1, 1, 1) },
    },
    {
      // M = 16 outputs, K = 576: the forward GEMM splits K, and the bias must be added once.
      name: "bias with split-K: batch 1, 4x4x64, 3x3 same → 4",
      inputs: [{ shape: [1, 4, 4, 64] }, { shape: [3, 3, 64, 4] }, { shape: [4] }],
      attrs: { strides: [1, 1], pads: pads(1, 1, 1, 1) },
    },
    {
      // The same shape with ReLU: K is not split then (ReLU needs the whole sum).
      name: "bias and ReLU where K would split: batch 1, 4x4x64, 3x3 same → 4",
      inputs: [{ shape: [1, 4, 4, 64] }, { shape: [3, 3, 64, 4] }, { shape: [4] }],
      attrs: { strides: [1, 1], pads: pads(1, 1, 1, 1), activation: "relu" },
    },
    {
      name: "bias and ReLU, 5x5 stride 2",
      inputs: [{ shape: [2, 6, 5, 4] }, { shape: [5, 5, 4, 4] }, { shape: [4] }],
      attrs: { strides: [2, 2], pads: pads(2, 2, 2, 2), activation: "relu" },
    },
    {
      name: "Cin 8, Cout 4 (vec4 patch and dy loads), 3x3 stride 2, padded",
      inputs: [{ shape: [2, 7, 6, 8] }, { shape: [3, 3, 8, 4] }],
      attrs: { strides: [2, 2], pads: pads(1, 1, 1, 1) },
    },
    {
      name: "Cin 4, Cout 8 (vec4 patch and dy loads), 5x5, stride 2x1, asymmetric pads",
      inputs: [{ shape: [1, 6, 9, 4] }, { shape: [5, 5, 4, 8] }],
      attrs: { strides: [2, 1], pads: pads(2, 1, 0, 3) },
    },
    {
      name: "batch 1, 3x3 stride 2 same-ish, 17 channels",
      inputs: [{ shape: [1, 9, 11, 17] }, { shape: [3, 3, 17, 5] }],
      attrs: { strides: [2, 2], pads: pads(1, 1, 1, 1) },
    },
    {
      name: "1x1 stride 2, 70 output channels",
      inputs: [{ shape: [2, 5, 5, 3] }, { shape: [1, 1, 3, 70] }],
      attrs: { strides: [2, 2], pads: pads(0, 0, 0, 0) },
    },
    {
      name: "split-K filter gradient: batch 8, 12x12x2, 3x3→4",
      inputs: [{ shape: [8, 12, 12, 2] }, { shape: [3, 3, 2, 4] }],
      attrs: { strides: [1, 1], pads: pads(0, 0, 0, 0) },
    },
    {
      name: "mnist-cnn first layer shape, batch 3",
      inputs: [{ shape: [3, 28, 28, 1] }, { shape: [3, 3, 1, 32] }],
      attrs: { strides: [1, 1], pads: pads(0, 0, 0, 0) },
    },
  ],
  maxPool2d: [{
    name: "2x2 s2 on odd 5x7, batch 1",
    inputs: [{ shape: [1, 5, 7, 3], distinct: true }],
    attrs: { pool: [2, 2], strides: [2, 2], pads: pads(0, 0, 0, 0) },
  }],
  sum: [{
    name: "long row 2x5000",
    inputs: [{ shape: [2, 5000] }],
    attrs: { axes: [1], keepDims: false },
  }, {
    name: "split sum: conv bias gradient of 16x24x24x8",
    inputs: [{ shape: [16, 24, 24, 8] }],
    attrs: { axes: [0, 1, 2], keepDims: false },
  }, {
    name: "batch axis of 300x7",
    inputs: [{ shape: [300, 7] }],
    attrs: { axes: [0], keepDims: true },
  }],
  batchVariance: [{
    name: "split reduction: 16x24x24x8 (a conv layer's batch norm)",
    inputs: [{ shape: [16, 24, 24, 8] }, { shape: [8] }],
    attrs: {},
  }],
  batchNormTrain: [{
    name: "one workgroup per channel over 9 216 rows: 16x24x24x8",
    inputs: [{ shape: [16, 24, 24, 8] }, { shape: [8] }, { shape: [8] }],
    attrs: { epsilon: 1e-3 },
  }],
  softmaxCrossEntropy: [{
    name: "300x10",
    inputs: [{ shape: [300, 10] }, { shape: [300, 10], positive: true }],
    attrs: {},
  }],
  cast: [
    { name: "float32 to int32", inputs: [{ shape: [3, 4] }], attrs: { dtype: "int32" } },
    { name: "int32 to float32", inputs: [{ shape: [5], int: 9 }], attrs: { dtype: "float32" } },
  ],
  dropoutMask: [{
    name: "1000x3 rate .5",
    inputs: [],
    attrs: { shape: [1000, 3], rate: 0.5, seed: 12345, dtype: "float32" },
  }],
  // −5..5: erf's series, rational and saturated ranges, both tails.
  gelu: [{
    name: "erf, 200 values in ±5",
    inputs: [{ shape: [200], distinct: true }],
    attrs: { approximate: "none" },
  }, {
    name: "tanh, 200 values in ±5",
    inputs: [{ shape: [200], distinct: true }],
    attrs: { approximate: "tanh" },
  }],
  softplus: [{ name: "200 values in ±5", inputs: [{ shape: [200], distinct: true }], attrs: {} }],
  elu: [{
    name: "200 values in ±5",
    inputs: [{ shape: [200], distinct: true }],
    attrs: { alpha: 1 },
  }],
  // int32 data through the data-movement kernels (the registry cases are float).
  permute: [{
    name: "int32 2x3x4",
    inputs: [{ shape: [2, 3, 4], int: 50 }],
    attrs: { perm: [2, 0, 1] },
  }],
  stridedSlice: [{
    name: "int32, negative step",
    inputs: [{ shape: [5, 3], int: 50 }],
    attrs: { begin: [4, 0], steps: [-2, 1], shape: [3, 3] },
  }],
  pad: [{
    name: "int32 with value 7",
    inputs: [{ shape: [2, 2], int: 50 }],
    attrs: { paddings: [[1, 1], [0, 2]], value: 7 },
  }],
  concat: [{
    name: "int32 rows",
    inputs: [{ shape: [2, 3], int: 50 }, { shape: [1, 3], int: 50 }],
    attrs: { axis: 0 },
  }],
  where: [{
    name: "int32 values, float condition",
    inputs: [{ shape: [3, 4] }, { shape: [3, 4], int: 9 }, { shape: [4], int: 9 }],
    attrs: {},
  }],
  gather: [{
    name: "rows of 70x3 int labels",
    inputs: [{ shape: [70, 3], int: 50 }, { shape: [9], int: 70 }],
    attrs: {},
  }],
  depthwiseConv2d: [{
    // 8·32·32 = 8192 pixels per filter element: the filter gradient's reduction is split.
    name: "split filter-gradient reduction: 8x32x32x2, 3x3 same, multiplier 2",
    inputs: [{ shape: [8, 32, 32, 2] }, { shape: [3, 3, 2, 2] }],
    attrs: { strides: [1, 1], pads: pads(1, 1, 1, 1) },
  }],
  resizeBilinear: [{
    name: "x3 of 2x16x16x3",
    inputs: [{ shape: [2, 16, 16, 3] }],
    attrs: { size: [48, 48] },
  }],
};
