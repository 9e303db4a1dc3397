/**
 * GPU time per kernel from WebGPU timestamp queries, for `deno task profile --device webgpu`.
 * While a {@link KernelTimer} is attached to the backend (`backend.timer = …`), every dispatch
 * runs in its own compute pass whose beginning and end write a timestamp; each submit resolves
 * its timestamps into a buffer that {@link KernelTimer.collect} maps and adds up per label. A
 * pass per dispatch costs host time, so the timer is for profiling only.
 * @module
 */

/** Timestamps per query set: the WebGPU maximum (4096), two per timed dispatch. */
const QUERIES = 4096;

/** GPU time of one label (op) over every timed dispatch. */
export interface KernelTime {
  /** Dispatches with a valid pair of timestamps. */
  dispatches: number;
  /** Summed end − begin, nanoseconds. */
  ns: number;
  /** Dispatches whose timestamps were missing or ran backwards (not counted in `ns`). */
  invalid: number;
}

/**
 * The duration in nanoseconds of each of `pairs` begin/end pairs in resolved timestamps
 * (`stamps[2i]` begin, `stamps[2i + 1]` end), NaN for a pair that is unusable: a zero (never
 * written) or an end before its begin (WebGPU allows either, e.g. after a GPU clock reset).
 * Example: `pairDurations(new BigUint64Array([10n, 25n, 30n, 31n]), 2)` → `[15, 1]`.
 */
export function pairDurations(stamps: BigUint64Array, pairs: number): number[] {
  if (stamps.length < 2 * pairs) {
    throw new Error(`timestamps: ${stamps.length} values cannot hold ${pairs} begin/end pairs`);
  }
  const out: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const begin = stamps[2 * i], end = stamps[2 * i + 1];
    out.push(begin === 0n || end === 0n || end < begin ? NaN : Number(end - begin));
  }
  return out;
}

/** Adds `durations` (from {@link pairDurations}) to `into` under their `labels`. */
export function addDurations(
  into: Map<string, KernelTime>,
  labels: string[],
  durations: number[],
): void {
  labels.forEach((label, i) => {
    const t = into.get(label) ?? { dispatches: 0, ns: 0, invalid: 0 };
    if (Number.isNaN(durations[i])) t.invalid++;
    else {
      t.dispatches++;
      t.ns += durations[i];
    }
    into.set(label, t);
  });
}

/** Why timestamps cannot be taken on `device`, or undefined when they can. */
export function timestampsUnavailable(device: GPUDevice): string | undefined {
  if (device.features.has("timestamp-query")) return undefined;
  return "the WebGPU device has no timestamp-query feature (the adapter does not offer it, or " +
    "the runtime hides it)";
}

/** Times each dispatch of the backend it is attached to; see the module comment. */
export class KernelTimer {
  /** Label of the dispatches encoded from now on (the profiler sets it per op). */
  label = "unlabelled";
  /** Timed dispatches that found the query set full (one submit held more than 2048). */
  dropped = 0;
  #querySet: GPUQuerySet;
  #resolveBuf: GPUBuffer;
  #labels: string[] = [];
  #pending: { buffer: GPUBuffer; labels: string[] }[] = [];
  #spare: GPUBuffer[] = [];
  #times = new Map<string, KernelTime>();

  /** Throws, saying why, when `device` lacks the timestamp-query feature. */
  constructor(readonly device: GPUDevice) {
    const why = timestampsUnavailable(device);
    if (why) throw new Error(`KernelTimer: ${why}`);
    this.#querySet = device.createQuerySet({ type: "timestamp", count: QUERIES });
    // QUERY_RESOLVE | COPY_SRC
    this.#resolveBuf = device.createBuffer({
      size: QUERIES * 8,
      usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
    });
  }

  /** The timestamp writes for the next dispatch's pass, or undefined when this submit is full. */
  nextPass(): GPUComputePassTimestampWrites | undefined {
    const i = this.#labels.length;
    if (2 * i + 2 > QUERIES) {
      this.dropped++;
      return undefined;
    }
    this.#labels.push(this.label);
    return {
      querySet: this.#querySet,
      beginningOfPassWriteIndex: 2 * i,
      endOfPassWriteIndex: 2 * i + 1,
    };
  }

  /** Encodes the resolve and copy-out of this submit's timestamps (call before `finish`). */
  resolve(encoder: GPUCommandEncoder): void {
    const n = this.#labels.length;
    if (n === 0) return;
    const bytes = n * 16;
    encoder.resolveQuerySet(this.#querySet, 0, 2 * n, this.#resolveBuf, 0);
    // MAP_READ | COPY_DST
    const buffer = this.#spare.pop() ??
      this.device.createBuffer({
        size: QUERIES * 8,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
    encoder.copyBufferToBuffer(this.#resolveBuf, 0, buffer, 0, bytes);
    this.#pending.push({ buffer, labels: this.#labels });
    this.#labels = [];
  }

  /** Waits for every resolved submit and returns the GPU time per label so far. */
  async collect(): Promise<Map<string, KernelTime>> {
    const pending = this.#pending;
    this.#pending = [];
    for (const { buffer, labels } of pending) {
      await buffer.mapAsync(GPUMapMode.READ);
      const stamps = new BigUint64Array(buffer.getMappedRange(0, labels.length * 16).slice(0));
      buffer.unmap();
      this.#spare.push(buffer);
      addDurations(this.#times, labels, pairDurations(stamps, labels.length));
    }
    return this.#times;
  }

  /** Forgets the times collected so far (e.g. after warm-up steps). */
  async reset(): Promise<void> {
    await this.collect();
    this.#times = new Map();
    this.dropped = 0;
  }
}
