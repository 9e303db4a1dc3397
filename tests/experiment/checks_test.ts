import assert from "node:assert/strict";
import {
  atLeast,
  below,
  checkRow,
  dataAbsentRow,
  near,
  onStandIn,
  rowContext,
  taskCommand,
} from "../../experiment/checks.ts";

const at = { task: "t", device: "cpu", wallSeconds: 2, command: "deno task t --quick" };

Deno.test("atLeast / below / near: verdict, tolerance text and our number", () => {
  const a = atLeast(at, { check: "acc", reported: "0.9", value: 0.85, min: 0.8, note: "floor" });
  assert.deepEqual(a, {
    task: "t",
    check: "acc",
    reported: "0.9",
    ours: "0.8500",
    tolerance: "≥ 0.8 (floor)",
    status: "pass",
    device: "cpu",
    wallSeconds: 2,
    command: "deno task t --quick",
  });
  assert.equal(atLeast(at, { check: "c", reported: "", value: 0.7, min: 0.8 }).status, "fail");
  assert.equal(atLeast(at, { check: "c", reported: "", value: NaN, min: 0 }).status, "fail");
  const b = below(at, { check: "err", reported: "", value: 1e-9, max: 1e-6, ours: "1e-9" });
  assert.deepEqual([b.status, b.ours, b.tolerance], ["pass", "1e-9", "< 0.000001"]);
  assert.equal(below(at, { check: "c", reported: "", value: 1, max: 1 }).status, "fail");
  const n = near(at, { check: "loss", reported: "0.03", value: 0.035, target: 0.03, tol: 0.01 });
  assert.deepEqual([n.status, n.tolerance], ["pass", "± 0.01"]);
  assert.equal(
    near(at, { check: "c", reported: "", value: 0.5, target: 0.3, tol: 0.1 }).status,
    "fail",
  );
});

Deno.test("checkRow, onStandIn, rowContext: stand-in data is never a pass", () => {
  const r = checkRow(at, { check: "c", reported: "r", ours: "1", tolerance: "any", pass: true });
  assert.equal(r.status, "pass");
  const s = onStandIn(r);
  assert.equal(s.status, "not reproduced: data absent");
  assert.equal(s.ours, "1 (stand-in data)");
  const header = {
    task: "x",
    command: "",
    quick: true,
    seed: 1,
    wallSeconds: 3,
    device: { requested: "cpu" as const, name: "cpu", description: "CPU", fallback: false },
  };
  assert.deepEqual(rowContext(header, ["--quick"]), {
    task: "x",
    device: "CPU",
    wallSeconds: 3,
    command: "deno task x --quick",
  });
  assert.equal(taskCommand("x", []), "deno task x");
});

Deno.test("dataAbsentRow: never a pass, says why it did not run", () => {
  const at = { task: "t", device: "cpu", wallSeconds: 0, command: "deno task t" };
  const r = dataAbsentRow(at, { check: "full run", reported: "0.7", reason: "no CIFAR-10" });
  assert.deepEqual(r, {
    task: "t",
    check: "full run",
    reported: "0.7",
    ours: "not run: no CIFAR-10",
    tolerance: "—",
    status: "not reproduced: data absent",
    device: "cpu",
    wallSeconds: 0,
    command: "deno task t",
  });
});
