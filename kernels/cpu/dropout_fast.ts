import type { MaskAttrs } from "../ops/dropout.ts";
import { pcgHash } from "../random.ts";
import { type CpuKernel, fastKernel } from "./cpu_kernel.ts";
import type { KernelConfig } from "../kernel_registry.ts";

/**
 * Fast CPU dropout mask, equal to the reference element for element. The reference hashes the
 * seed again for every element and keeps a unit when hash/2³² ≥ rate, a branch that is a coin
 * flip on random bits (bench/README.md). Here the seed's hash is computed
 * once, the test is the integer one the WGSL kernel uses (hash ≥ ⌈rate·2³²⌉, the same set:
 * hash/2³² and rate·2³² are exact in float64), and on float32 the kept value's bits are masked
 * in with no branch: ⌊(hash − threshold)/2³²⌋ is −1 for a dropped unit and 0 for a kept one.
 */
const dropoutMaskFast: CpuKernel = (_inputs, attrs, out) => {
  const { rate, seed } = attrs as MaskAttrs;
  const keep = 1 / (1 - rate);
  const hs = pcgHash(seed);
  const threshold = Math.ceil(rate * 4294967296);
  if (out instanceof Float32Array) {
    const keepBits = new Int32Array(Float32Array.of(keep).buffer)[0];
    const oi = new Int32Array(out.buffer, out.byteOffset, out.length);
    for (let i = 0; i < oi.length; i++) {
      const dropped = Math.floor((pcgHash((i ^ hs) >>> 0) - threshold) / 4294967296);
      oi[i] = keepBits & ~dropped;
    }
    return;
  }
  for (let i = 0; i < out.length; i++) out[i] = pcgHash((i ^ hs) >>> 0) >= threshold ? keep : 0;
};

/** The registry entries of this file's kernels (registered by cpu/register_all.ts). */
export const dropoutFastKernels: KernelConfig<CpuKernel>[] = [
  fastKernel("dropoutMask", dropoutMaskFast, { overwrites: true }),
];
