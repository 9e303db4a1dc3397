import { INDEX_ERROR_OPS, indexErrorMessage } from "../index_errors.ts";

/**
 * The on-device error flag of index checks: a 16-byte storage buffer the WebGPU backend owns.
 * A kernel with `indexErrors` (gather, oneHot) calls `flag_(op, value, at, n)` for an index
 * outside [0, n); the first call wins and records [op code, value, position, n]. The backend
 * copies the flag behind the data of every readback it already makes (no extra map, no buffer
 * per step) and throws the CPU's message (kernels/index_errors.ts) when it is set. Op codes are
 * positions in INDEX_ERROR_OPS plus one (0: no error).
 */

/** Bytes of the flag: four u32 words. */
export const FLAG_BYTES = 16;

/** WGSL op code of `op` for `flag_`. */
export function flagCode(op: (typeof INDEX_ERROR_OPS)[number]): string {
  return `${INDEX_ERROR_OPS.indexOf(op) + 1}u`;
}

/** The flag's binding and `flag_`, for a kernel whose other bindings end before `binding`. */
export function flagWgsl(binding: number): string {
  return `@group(0) @binding(${binding}) var<storage, read_write> err_: array<atomic<u32>, 4>;
fn flag_(op: u32, value: i32, at: u32, n: u32) {
  loop {
    let r = atomicCompareExchangeWeak(&err_[0], 0u, op);
    if (r.exchanged) {
      atomicStore(&err_[1], bitcast<u32>(value));
      atomicStore(&err_[2], at);
      atomicStore(&err_[3], n);
      return;
    }
    if (r.old_value != 0u) { return; }
  }
}`;
}

/** The flag buffer: bound by kernels that check indices, read with every readback. */
export class IndexErrorFlag {
  readonly buffer: GPUBuffer;

  constructor(private readonly device: GPUDevice) {
    this.buffer = device.createBuffer({
      size: FLAG_BYTES,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
  }

  /**
   * Throws the recorded error, if `words` (the flag as read back) holds one, and clears the
   * flag for the work that follows.
   */
  check(words: Uint32Array): void {
    const [code, value, at, n] = words;
    if (code === 0) return;
    this.device.queue.writeBuffer(this.buffer, 0, new Uint32Array(4));
    const op = INDEX_ERROR_OPS[code - 1];
    if (!op) throw new Error(`webgpu: the index error flag holds an unknown code ${code}`);
    throw new RangeError(
      `${indexErrorMessage(op, value | 0, at, n)} (found on WebGPU, raised at this readback)`,
    );
  }
}
