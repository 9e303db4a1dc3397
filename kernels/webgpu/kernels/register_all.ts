import { registerKernel } from "../../kernel_registry.ts";
import { augmentWebGpuKernels } from "./augment.ts";
import { batchNormWebGpuKernels } from "./batch_norm.ts";
import { layerNormWebGpuKernels } from "./layer_norm.ts";
import { lstmCellWebGpuKernels } from "./lstm_cell.ts";
import { conv2dWebGpuKernels } from "./conv2d.ts";
import { depthwiseConv2dWebGpuKernels } from "./depthwise_conv2d.ts";
import { resizeBilinearWebGpuKernels } from "./resize_bilinear.ts";
import { dropoutWebGpuKernels } from "./dropout.ts";
import { elementwiseWebGpuKernels } from "./elementwise.ts";
import { indexingWebGpuKernels } from "./indexing.ts";
import { matmulWebGpuKernels } from "./matmul.ts";
import { batchMatmulWebGpuKernels } from "./batch_matmul.ts";
import { optimizerStepWebGpuKernels } from "./optimizer_step.ts";
import { optimizerStepGroupWebGpuKernels } from "./optimizer_step_group.ts";
import { poolWebGpuKernels } from "./pool.ts";
import { avgPoolWebGpuKernels } from "./pool_avg.ts";
import { reduceWebGpuKernels } from "./reduce.ts";
import { shapeOpsWebGpuKernels } from "./shape_ops.ts";
import { compareWebGpuKernels } from "./compare.ts";
import { mathOpsWebGpuKernels } from "./math_ops.ts";
import { axisReduceWebGpuKernels } from "./axis_reduce.ts";
import { topkWebGpuKernels } from "./topk.ts";
import { creationWebGpuKernels } from "./creation.ts";
import { activationWebGpuKernels } from "./activations.ts";
import { softmaxWebGpuKernels } from "./softmax.ts";

/**
 * Registers every WGSL kernel for backend "webgpu"; webgpu/backend.ts imports this, so the
 * kernels load with the backend (lazily, when setDevice picks WebGPU). Every op needs one here:
 * tests/kernels/webgpu/parity_test.ts fails for an op without.
 */
for (
  const config of [
    ...elementwiseWebGpuKernels,
    ...reduceWebGpuKernels,
    ...matmulWebGpuKernels,
    ...batchMatmulWebGpuKernels,
    ...conv2dWebGpuKernels,
    ...depthwiseConv2dWebGpuKernels,
    ...resizeBilinearWebGpuKernels,
    ...poolWebGpuKernels,
    ...avgPoolWebGpuKernels,
    ...softmaxWebGpuKernels,
    ...indexingWebGpuKernels,
    ...dropoutWebGpuKernels,
    ...optimizerStepWebGpuKernels,
    ...optimizerStepGroupWebGpuKernels,
    ...augmentWebGpuKernels,
    ...batchNormWebGpuKernels,
    ...layerNormWebGpuKernels,
    ...lstmCellWebGpuKernels,
    ...shapeOpsWebGpuKernels,
    ...compareWebGpuKernels,
    ...mathOpsWebGpuKernels,
    ...axisReduceWebGpuKernels,
    ...topkWebGpuKernels,
    ...creationWebGpuKernels,
    ...activationWebGpuKernels,
  ]
) registerKernel(config);
