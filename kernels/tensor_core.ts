import type { Backend } from "./backend.ts";
import { allocArray, bytesPer, type DType, dtypeOf, type TypedArray } from "./dtype.ts";
import { backend, gradEnabled, keep, trackBytes, trackTensor, untrackTensor } from "./context.ts";
import { numericChecksPending, settleNumericChecks } from "./check_numerics.ts";
import type { OpDef } from "./op.ts";
import { checkShape, fmtShape, sizeOf } from "./shape.ts";
import { formatTensor, tensorHeader } from "./tensor_format.ts";
import { type MimeBundle, tensorBundle } from "../notebook/tensor_display.ts";

/**
 * The Tensor class and the functions that create tensors from host data, without the ops.
 * Modules inside kernels/ import this; users import kernels/tensor.ts, which also loads every
 * op, the tensor methods and the default backend.
 */

/** Storage shared by a tensor and its views (reshape); freed when the last holder lets go. */
export class DataRef {
  /** Holders of this storage (a tensor and its views); at 0 it goes back to the backend. */
  refs = 1;
  /** Bytes of the storage, counted in `memory()` once, from its first tensor (−1 before). */
  bytes: number = -1;
  /** Wraps `handle`, storage that `backend` allocated. */
  constructor(readonly backend: Backend, public handle: unknown) {}
  /** Adds a holder (a new view of the same storage) and returns this. */
  retain(): this {
    this.refs++;
    return this;
  }
  /** Drops a holder; the last one frees the storage and uncounts its bytes. */
  release(): void {
    if (--this.refs !== 0) return;
    this.backend.free(this.handle);
    if (this.bytes > 0) trackBytes(-this.bytes);
    collectedHostStorage.unregister(this);
  }
}

/**
 * Tensors garbage collected without `dispose()`. Device storage (GPU buffers) is not freed by
 * the collector, so the registry holds the tensor's current storage (a box: `assign` swaps it)
 * and releases it back to the pool. Host arrays (CPU) the collector frees by itself: holding
 * them until the callback runs would keep every leaked array of a synchronous loop alive, so
 * for those only the counts of `memory()` are corrected (tensors here, bytes when the storage
 * itself is collected).
 */
export function releaseCollected(held: { ref: DataRef } | undefined): void {
  untrackTensor();
  held?.ref.release();
}

const collected = new FinalizationRegistry(releaseCollected);
const collectedHostStorage = new FinalizationRegistry<number>((bytes) => trackBytes(-bytes));

/** Storage the garbage collector frees by itself (host typed arrays). */
const isHostStorage = (ref: DataRef) => ArrayBuffer.isView(ref.handle);

/** The recorded op that produced a tensor; autograd walks these backwards. */
export interface GraphNode {
  /** The op that was run. */
  def: OpDef;
  /** The op's inputs, which autograd visits next. */
  inputs: Tensor[];
  /** The attributes the op was called with. */
  attrs: unknown;
}

/**
 * An n-dimensional array on a device. Created by {@link tensor}, by ops, or by layers.
 * Data is read back with `await t.data()` (any device) or `t.dataSync()` (CPU only).
 */
export class Tensor {
  /** Number of elements: the product of the shape. */
  readonly size: number;
  /** True when gradients flow to this tensor (parameters and everything computed from them). */
  requiresGrad = false;
  /** The op that made this tensor, when recorded for autograd. */
  node?: GraphNode;
  /** Gradient accumulated by `backward()` (leaf tensors only). */
  grad?: Tensor;
  /** Optional name (parameters: "dense_1/kernel"). */
  name?: string;
  #disposed = false;
  #held: { ref: DataRef };

  /**
   * Wraps device storage; user code makes tensors with {@link tensor}, ops and layers instead.
   * @internal
   */
  constructor(readonly shape: number[], readonly dtype: DType, public ref: DataRef) {
    this.size = sizeOf(shape);
    const host = isHostStorage(ref);
    if (ref.bytes < 0) {
      trackBytes(ref.bytes = this.size * bytesPer(dtype));
      if (host) collectedHostStorage.register(ref, ref.bytes, ref);
    }
    trackTensor(this);
    this.#held = { ref };
    collected.register(this, host ? undefined : this.#held, this);
  }

  /** Rank (number of axes). */
  get rank(): number {
    return this.shape.length;
  }

  /** The device this tensor lives on. */
  get device(): string {
    return this.ref.backend.name;
  }

  /** True after `dispose()`. */
  get isDisposed(): boolean {
    return this.#disposed;
  }

  /** Frees the storage (when no view still holds it). Safe to call twice. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.node = undefined;
    collected.unregister(this);
    untrackTensor(this);
    this.ref.release();
  }

  #checkAlive(what: string): void {
    if (this.#disposed) throw new Error(`${what}: tensor ${fmtShape(this.shape)} was disposed`);
  }

  /** Copies the values to the host. Example: `const v = await t.data();` */
  data(): Promise<TypedArray> {
    this.#checkAlive("data()");
    const read = this.ref.backend.read(this.ref.handle, this.dtype, this.size);
    // checkNumerics mode on WebGPU: the checks queued since the last read fail this one.
    return numericChecksPending() ? settleNumericChecks().then(() => read) : read;
  }

  /** Copies the values to the host synchronously; CPU only (WebGPU needs `await data()`). */
  dataSync(): TypedArray {
    this.#checkAlive("dataSync()");
    const b = this.ref.backend;
    if (!b.readSync) {
      throw new Error(`dataSync() is not possible on "${b.name}"; use "await tensor.data()"`);
    }
    return b.readSync(this.ref.handle, this.dtype, this.size);
  }

  /** The single value of a one-element tensor. Example: `const loss = await l.item();` */
  async item(): Promise<number> {
    if (this.size !== 1) throw new Error(`item(): tensor ${fmtShape(this.shape)} is not a scalar`);
    return (await this.data())[0];
  }

  /** Nested JS arrays (for printing and tests). */
  async array(): Promise<unknown> {
    const d = Array.from(await this.data());
    const nest = (off: number, axis: number): unknown => {
      if (axis === this.shape.length) return d[off];
      const stride = sizeOf(this.shape.slice(axis + 1));
      return Array.from({ length: this.shape[axis] }, (_, i) => nest(off + i * stride, axis + 1));
    };
    return nest(0, 0);
  }

  /** A view with another shape over the same storage (no copy); -1 infers one axis. */
  reshape(shape: number[]): Tensor {
    this.#checkAlive("reshape()");
    const resolved = resolveReshape(this.shape, shape);
    const out = new Tensor(resolved, this.dtype, this.ref.retain());
    if (this.requiresGrad && gradEnabled()) {
      out.requiresGrad = true;
      out.node = { def: reshapeDef, inputs: [this], attrs: { shape: resolved } };
    }
    return out;
  }

  /** Replaces this tensor's values with `value`'s (same shape): how optimisers update. */
  assign(value: Tensor): void {
    this.#checkAlive("assign()");
    if (value.dtype !== this.dtype || value.size !== this.size) {
      throw new Error(
        `assign(): value ${value.dtype}${fmtShape(value.shape)} does not match ` +
          `${this.dtype}${fmtShape(this.shape)}`,
      );
    }
    if (value.ref === this.ref) return;
    value.ref.retain();
    this.ref.release();
    this.ref = this.#held.ref = value.ref;
  }

  /** A detached copy that survives enclosing `tidy` scopes. */
  clone(): Tensor {
    return keep(copyOf(this));
  }

  /**
   * dtype, shape, device and the values NumPy-style (elided when large). Synchronous, so on a
   * device without synchronous reads (WebGPU) it says to use `await t.print()`.
   */
  toString(): string {
    if (this.#disposed) return `${tensorHeader(this)} (disposed)`;
    const b = this.ref.backend;
    return formatTensor(this, b.readSync?.(this.ref.handle, this.dtype, this.size));
  }

  /** Logs the values on any device, like TF.js. Example: `await t.print();` */
  async print(): Promise<void> {
    console.log(formatTensor(this, await this.data()));
  }

  /** What `console.log(t)` and Deno's inspector show: {@link Tensor.toString}. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /** What Deno's Jupyter kernel shows: an HTML table preview (notebook/tensor_display.ts). */
  [Symbol.for("Jupyter.display")](): MimeBundle {
    if (this.#disposed) return { "text/plain": this.toString() };
    const values = this.ref.backend.readSync?.(this.ref.handle, this.dtype, this.size);
    return tensorBundle(this, this.toString(), values);
  }
}

function copyOf(t: Tensor): Tensor {
  const b = t.ref.backend;
  if (b.readSync) return fromHost(b.readSync(t.ref.handle, t.dtype, t.size), [...t.shape], t.dtype);
  return new Tensor([...t.shape], t.dtype, new DataRef(b, b.copy!(t.ref.handle, t.size * 4)));
}

function resolveReshape(from: number[], to: number[]): number[] {
  const size = sizeOf(from);
  const known = to.filter((d) => d !== -1);
  const inferred = to.length - known.length;
  if (inferred > 1) throw new Error(`reshape: at most one -1 allowed in ${fmtShape(to)}`);
  const knownSize = sizeOf(known);
  const out = to.map((d) => (d === -1 ? (knownSize === 0 ? 0 : size / knownSize) : d));
  if (sizeOf(out) !== size || out.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(
      `reshape: cannot reshape ${fmtShape(from)} (${size} values) to ${fmtShape(to)}`,
    );
  }
  return out;
}

/** Reshape is a view, not a kernel; this entry only carries its gradient for autograd. */
const reshapeDef: OpDef = {
  name: "reshape",
  infer: () => {
    throw new Error("reshape is a view");
  },
  cpu: () => {
    throw new Error("reshape is a view");
  },
  grad: (dy, ctx) => [dy.reshape(ctx.inputs[0].shape)],
  tests: [],
};

/** Creates a tensor from host data on the current backend (the data is not copied). */
export function fromHost(data: TypedArray, shape: number[], dtype: DType): Tensor {
  const b = backend();
  return new Tensor(shape, dtype, new DataRef(b, b.upload(data)));
}

/** A number or (nested) arrays of numbers, as {@link tensor} takes: `[[1, 2], [3, 4]]`. */
export type NestedNumbers = number | NestedNumbers[];

function flatten(data: NestedNumbers, out: number[], shape: number[], depth: number): void {
  if (typeof data === "number") {
    out.push(data);
    return;
  }
  if (shape.length === depth) shape.push(data.length);
  else if (shape[depth] !== data.length) throw new Error("tensor(): ragged nested array");
  for (const d of data) flatten(d, out, shape, depth + 1);
}

/**
 * Creates a tensor on the current device. `data` is a typed array, a flat number array with a
 * shape, or a nested array. Example: `tensor([[1, 2], [3, 4]])` or `tensor(f32, [2, 2])`.
 */
export function tensor(
  data: TypedArray | NestedNumbers,
  shape?: number[],
  dtype?: DType,
): Tensor {
  let arr: TypedArray;
  if (ArrayBuffer.isView(data)) {
    const src = data as TypedArray;
    const dt = dtype ?? dtypeOf(src);
    arr = dt === dtypeOf(src) ? src.slice() : allocArray(dt, src.length);
    if (dt !== dtypeOf(src)) arr.set(src);
    shape ??= [src.length];
  } else {
    const flat: number[] = [];
    const inferred: number[] = [];
    flatten(data, flat, inferred, 0);
    shape ??= inferred;
    arr = allocArray(dtype ?? "float32", flat.length);
    arr.set(flat);
  }
  const size = checkShape(shape, "tensor()");
  if (size !== arr.length) {
    throw new Error(
      `tensor(): ${arr.length} values do not fill shape ${fmtShape(shape)} (${size})`,
    );
  }
  return fromHost(arr, [...shape], dtypeOf(arr));
}

/** A tensor of zeros. Example: `zeros([2, 3])`. */
export function zeros(shape: number[], dtype: DType = "float32"): Tensor {
  return fromHost(allocArray(dtype, checkShape(shape, "zeros()")), [...shape], dtype);
}

/** A tensor filled with `value`. Example: `fill([3], 0.5)`. */
export function fill(shape: number[], value: number, dtype: DType = "float32"): Tensor {
  const a = allocArray(dtype, checkShape(shape, "fill()"));
  a.fill(value);
  return fromHost(a, [...shape], dtype);
}

/** A tensor of ones. */
export function ones(shape: number[], dtype: DType = "float32"): Tensor {
  return fill(shape, 1, dtype);
}

/** A scalar tensor. Example: `scalar(0.5)`. */
export function scalar(value: number, dtype: DType = "float32"): Tensor {
  return fill([], value, dtype);
}

/**
 * A trainable tensor: requires a gradient and survives `tidy` scopes. Optimisers update it with
 * `assign`. Example: `const w = variable(tensor([1, 2]))`.
 */
export function variable(init: Tensor, name?: string): Tensor {
  init.requiresGrad = true;
  init.node = undefined;
  if (name) init.name = name;
  return keep(init);
}
