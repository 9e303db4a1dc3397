/**
 * Seeded randomness. `Rng` drives host-side work (initialisers, shuffling, test inputs);
 * `hashUniform` is a counter-based generator (PCG hash) that a GPU kernel can reproduce
 * element by element, so dropout masks are the same on every device for the same seed.
 */

/** PCG-RXS-M-XS 32-bit hash of `v`. */
export function pcgHash(v: number): number {
  const state = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** {@link pcgHash} in WGSL (`pcg_(v: u32) -> u32`), for kernels that draw the same numbers. */
export const PCG_HASH_WGSL = `fn pcg_(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}`;

/** A uniform number in [0, 1) for element `i` of stream `seed`. */
export function hashUniform(seed: number, i: number): number {
  return pcgHash((i ^ pcgHash(seed)) >>> 0) / 4294967296;
}

/** A small, fast, seeded generator (mulberry32). Example: `new Rng(1).uniform()`. */
export class Rng {
  #s: number;
  #spare: number | undefined;
  /** Starts a stream; the same seed gives the same sequence. */
  constructor(seed: number) {
    this.#s = pcgHash(seed >>> 0) >>> 0;
  }
  /** Uniform in [0, 1). */
  uniform(): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Standard normal (Box–Muller, caching the second value). */
  normal(): number {
    if (this.#spare !== undefined) {
      const s = this.#spare;
      this.#spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }
  /** Shuffles in place (Fisher–Yates) and returns the array. */
  shuffle<T extends { length: number; [i: number]: number }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
  /** A permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }
}
