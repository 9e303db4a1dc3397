import assert from "node:assert/strict";
import { firstSpecialMismatch, specialAwareError } from "./op_inputs.ts";

/** What a parity run of one op gives: its output and every gradient (or in-place input). */
export interface RunResult {
  y: ArrayLike<number>;
  grads: ArrayLike<number>[];
}

/**
 * Asserts that `got` has exactly `ref`'s special values (NaN, ±∞, signed zeros) and finite
 * values within `tol` of `ref`'s, relative to max(|ref|, floor), forward and every gradient, with
 * no exceptions. `label` and `device` name the case in the message.
 */
export function assertSameSpecials(
  label: string,
  device: string,
  got: RunResult,
  ref: RunResult,
  opts: { floor: number; tol: number },
): void {
  assert.equal(got.grads.length, ref.grads.length, `${label}: gradient count`);
  const outs: [string, ArrayLike<number>, ArrayLike<number>][] = [
    ["forward", got.y, ref.y],
    ...got.grads.map((g, i): [string, ArrayLike<number>, ArrayLike<number>] => [
      `grad ${i}`,
      g,
      ref.grads[i],
    ]),
  ];
  for (const [what, a, b] of outs) {
    const e = specialAwareError(a, b, opts.floor);
    const at = firstSpecialMismatch(a, b);
    assert.ok(
      e <= opts.tol,
      `${label} ${what}: error ${e}` +
        (at >= 0 ? ` (element ${at}: ${device} ${a[at]}, reference ${b[at]})` : ""),
    );
  }
}

/** The error `run` rejects with, or undefined when it resolves. */
export async function errorOf(run: () => Promise<unknown>): Promise<Error | undefined> {
  try {
    await run();
  } catch (e) {
    return e as Error;
  }
}
