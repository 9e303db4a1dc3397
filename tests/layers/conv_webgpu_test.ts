/**
 * The convolution layers on WebGPU (lavapipe in CI) against the CPU: the same float32 weights
 * (same seed) and inputs give the same outputs and gradients (input, kernel, bias) to float32
 * rounding.
 */
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import * as layers from "../../layers/mod.ts";
import type { Layer } from "../../layers/module.ts";
import { gpuTest } from "../kernels/webgpu/gpu_available.ts";
import { assertCloseTo, outputAndGradients } from "./layer_test_utils.ts";

const cases: [string, () => Layer, number[]][] = [
  [
    "conv1d causal, dilation 2, relu",
    () =>
      layers.conv1d({
        filters: 4,
        kernelSize: 3,
        padding: "causal",
        dilationRate: 2,
        activation: "relu",
      }),
    [3, 10, 4],
  ],
  [
    "conv1d same, stride 2, no bias",
    () => layers.conv1d({ filters: 3, kernelSize: 4, padding: "same", strides: 2, useBias: false }),
    [2, 9, 3],
  ],
  [
    "conv2d dilation [2, 3], same",
    () => layers.conv2d({ filters: 4, kernelSize: 3, padding: "same", dilationRate: [2, 3] }),
    [2, 8, 9, 4],
  ],
  [
    "conv2dTranspose 3x3 stride 2 same, relu",
    () =>
      layers.conv2dTranspose({
        filters: 4,
        kernelSize: 3,
        strides: 2,
        padding: "same",
        activation: "relu",
      }),
    [2, 4, 5, 4],
  ],
  [
    "conv2dTranspose 2x2 stride 3 valid, no bias",
    () => layers.conv2dTranspose({ filters: 3, kernelSize: 2, strides: 3, useBias: false }),
    [2, 3, 3, 2],
  ],
];

for (const [name, make, shape] of cases) {
  await gpuTest(`webgpu vs cpu: ${name} outputs and gradients`, async () => {
    const cpu = await outputAndGradients(make, shape, "cpu");
    const gpu = await outputAndGradients(make, shape, "webgpu");
    await setDevice("cpu");
    ["output", "dx", "dkernel", "dbias"].slice(0, cpu.length).forEach((what, k) =>
      assertCloseTo(gpu[k], cpu[k], 1e-5, `${name} ${what}`)
    );
  });
}
