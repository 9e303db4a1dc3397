import assert from "node:assert/strict";
import { findCycles, importGraph, runtimeImports } from "./import_graph.ts";

/**
 * No runtime import cycles in the library folders: with one, which module's top level runs
 * first depends on who imports whom, and a `const` read across the cycle can be undefined.
 */

Deno.test("import graph: kernels/, layers/, train/, datasets/, io/ have no runtime import cycle", async () => {
  const graph = await importGraph(["kernels", "layers", "train", "datasets", "io"]);
  // A parser that saw no edges would pass vacuously.
  assert.ok(graph.size > 80, `only ${graph.size} modules found`);
  assert.ok(graph.get("kernels/engine.ts")?.includes("kernels/tensor_core.ts"));
  const cycles = findCycles(graph);
  assert.deepEqual(
    cycles.map((c) => c.join(" → ")),
    [],
    "break each cycle: move the shared piece to a module both can import, or inject it",
  );
});

Deno.test("import graph: type-only imports and dynamic imports are no edges", () => {
  const src = `import type { A } from "./a.ts";
import { type B, type C } from "./b.ts";
import { type D, e } from "./d.ts";
import {
  f,
  g,
} from "./f.ts";
import "./side.ts";
import * as h from "./h.ts";
export { i } from "./i.ts";
export type { J } from "./j.ts";
export * from "./k.ts";
const l = await import("./l.ts");
// import { m } from "./m.ts" is a comment
`;
  assert.deepEqual(runtimeImports("dir/x.ts", src), [
    "dir/d.ts",
    "dir/f.ts",
    "dir/side.ts",
    "dir/h.ts",
    "dir/i.ts",
    "dir/k.ts",
  ]);
});

Deno.test("import graph: a cycle is reported with its path", () => {
  const graph = new Map([
    ["a.ts", ["b.ts"]],
    ["b.ts", ["c.ts", "outside.ts"]],
    ["c.ts", ["a.ts"]],
    ["d.ts", ["a.ts"]],
  ]);
  assert.deepEqual(findCycles(graph), [["a.ts", "b.ts", "c.ts", "a.ts"]]);
  assert.deepEqual(findCycles(new Map([["a.ts", ["b.ts"]], ["b.ts", []]])), []);
});
