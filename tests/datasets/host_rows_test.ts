/** gatherRows: the chosen rows of a host split, in the order asked, as float64. */
import assert from "node:assert/strict";
import { gatherRows, type HostRows } from "../../datasets/host_rows.ts";

Deno.test("gatherRows: rows in the order of idx, repeats allowed, float32 widened exactly", () => {
  const s: HostRows = {
    x: Float32Array.from([0, 1, 10, 11, 20, 21.1]),
    y: Int32Array.from([0, 1, 2]),
    n: 3,
    d: 2,
  };
  const out = gatherRows(s, [2, 0, 2]);
  assert.ok(out instanceof Float64Array);
  assert.deepEqual(Array.from(out), [20, Math.fround(21.1), 0, 1, 20, Math.fround(21.1)]);
  assert.equal(gatherRows(s, []).length, 0);
});
