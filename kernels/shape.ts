/** Shape helpers shared by ops and layers. */

/** Number of elements of a tensor of this shape (1 for a scalar `[]`). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of `shape`. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** `[2, 3]` → `"[2,3]"`, for error messages. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}

/** True when both shapes have the same rank and sizes. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * NumPy broadcasting of two shapes; throws a message naming both shapes when they do not
 * broadcast. Example: `broadcastShapes([4, 1], [3])` → `[4, 3]`.
 */
export function broadcastShapes(a: readonly number[], b: readonly number[], op = "op"): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(
        `${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} do not broadcast ` +
          `(axis ${i}: ${da} vs ${db}); reshape one operand so each axis matches or is 1`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Normalises a possibly negative axis against `rank`, with a clear error. */
export function normAxis(axis: number, rank: number, op = "op"): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) {
    throw new Error(`${op}: axis ${axis} is out of range for a rank-${rank} tensor`);
  }
  return a;
}

/** Normalised, sorted, unique axes; `undefined` means all axes. */
export function normAxes(axes: number | number[] | undefined, rank: number, op = "op"): number[] {
  if (axes === undefined) return [...Array(rank).keys()];
  const list = typeof axes === "number" ? [axes] : axes;
  return [...new Set(list.map((a) => normAxis(a, rank, op)))].sort((x, y) => x - y);
}

/** Strides of `shape` laid against `outShape` (right-aligned), 0 where broadcast. */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const st = stridesOf(shape);
  const off = outShape.length - shape.length;
  return outShape.map((_, ax) => (ax < off || shape[ax - off] === 1 ? 0 : st[ax - off]));
}

/** Checks that a shape is made of non-negative integers and returns its size. */
export function checkShape(shape: readonly number[], where: string): number {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new Error(`${where}: shape [${shape}] must hold non-negative integers`);
    }
  }
  return sizeOf(shape);
}
