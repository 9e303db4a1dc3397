/** Fast CPU kernels are registered here once kernels/cpu/gemm.ts lands. */
export {};
