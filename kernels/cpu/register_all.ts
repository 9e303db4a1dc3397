import { registerKernel } from "../kernel_registry.ts";
import { activationFastKernels } from "./activation_fast.ts";
import { batchMatmulFastKernels } from "./batch_matmul_fast.ts";
import { batchNormFastKernels } from "./batch_norm_fast.ts";
import { dropoutFastKernels } from "./dropout_fast.ts";
import { elementwiseFastKernels } from "./elementwise_fast.ts";
import { lstmCellFastKernels } from "./lstm_cell_fast.ts";
import { matmulConvFastKernels } from "./fast_kernels.ts";
import { optimizerFastKernels } from "./optimizer_fast.ts";
import { poolFastKernels } from "./pool_fast.ts";
import { softmaxFastKernels } from "./softmax_fast.ts";
import { stridedFastKernels } from "./strided_fast.ts";

/**
 * Registers every fast CPU kernel for backend "cpu"; cpu/backend.ts imports this, so the
 * kernels are there whenever the backend is. Ops without one here run their reference kernel.
 * A new fast kernel: export its config from its file (cpu_kernel.ts `fastKernel`) and add the
 * list below.
 */
for (
  const config of [
    ...matmulConvFastKernels,
    ...batchMatmulFastKernels,
    ...batchNormFastKernels,
    ...elementwiseFastKernels,
    ...activationFastKernels,
    ...lstmCellFastKernels,
    ...dropoutFastKernels,
    ...optimizerFastKernels,
    ...poolFastKernels,
    ...softmaxFastKernels,
    ...stridedFastKernels,
  ]
) registerKernel(config);
