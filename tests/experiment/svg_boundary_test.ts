import assert from "node:assert/strict";
import { decisionBoundarySvg, gridPoints } from "../../experiment/svg_boundary.ts";

Deno.test("decisionBoundarySvg: grid order, colours by sign, points drawn", () => {
  const g = gridPoints(1, 2);
  // Top-left cell first: x1 < 0, x2 > 0.
  assert.deepEqual(Array.from(g), [-0.5, 0.5, 0.5, 0.5, -0.5, -0.5, 0.5, -0.5]);
  const svg = decisionBoundarySvg({
    title: "t",
    extent: 1,
    resolution: 2,
    values: Float32Array.from([-1, 1, -1, 1]),
    train: { points: Float32Array.from([0.2, 0.2]), labels: Int32Array.from([1]) },
    test: { points: Float32Array.from([-0.2, -0.2]), labels: Int32Array.from([0]) },
  });
  assert.match(svg, /^<svg/);
  assert.equal((svg.match(/<circle /g) ?? []).length, 2 + 4); // two points, four legend marks
  assert.match(svg, /<path d="M/); // the sign change between the columns
  assert.throws(() =>
    decisionBoundarySvg({
      title: "t",
      extent: 1,
      resolution: 3,
      values: new Float32Array(4),
      train: { points: new Float32Array(), labels: new Int32Array() },
      test: { points: new Float32Array(), labels: new Int32Array() },
    })
  );
});
