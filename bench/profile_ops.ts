/**
 * Where a training step's time goes, op by op, on the CPU backend:
 * `deno run -A bench/profile_ops.ts [--workload W2] [--steps 20] [--device cpu]`.
 * Wraps the backend's `exec` with a timer, runs warm-up steps, then times `--steps` steps and
 * prints each op's share of the step (calls, ms per step, %) and the time spent outside kernels
 * (autograd, allocation, the optimiser's bookkeeping). On WebGPU `exec` only records commands,
 * so the table shows encoding cost there, not kernel time.
 */
import { parseArgs } from "node:util";
import { type DeviceName, setDevice } from "../kernels/device.ts";
import { backend } from "../kernels/engine.ts";
import { Rng } from "../kernels/random.ts";
import { makeCase } from "./run_one.ts";
import { helperStats } from "../kernels/cpu/parallel/helper.ts";
import { WORKLOADS } from "./workloads.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    workload: { type: "string", default: "W2" },
    steps: { type: "string", default: "20" },
    device: { type: "string", default: "cpu" },
  },
});
const wl = WORKLOADS.find((w) => w.name === values.workload);
if (!wl) throw new Error(`unknown workload ${values.workload}; use W1–W4`);
const dev = await setDevice(values.device as DeviceName);
const steps = Number(values.steps);

const c = makeCase(wl.name, new Rng(1));
const step = () => {
  const r = c.step();
  r.dispose();
};

const be = backend();
const original = be.exec.bind(be);
const stats = new Map<string, { calls: number; ms: number }>();
let recording = false;
be.exec = (op, inputs, attrs, shape, dtype) => {
  if (!recording) return original(op, inputs, attrs, shape, dtype);
  const key = `${op.name} [${inputs.map((i) => i.shape.join("×")).join(", ")}]`;
  const t0 = performance.now();
  const out = original(op, inputs, attrs, shape, dtype);
  const s = stats.get(key) ?? { calls: 0, ms: 0 };
  s.calls++;
  s.ms += performance.now() - t0;
  stats.set(key, s);
  return out;
};

for (let i = 0; i < 3; i++) step();
recording = true;
const t0 = performance.now();
for (let i = 0; i < steps; i++) step();
await be.sync();
const total = performance.now() - t0;
recording = false;

const rows = [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms);
const inKernels = rows.reduce((s, [, v]) => s + v.ms, 0);
console.log(
  `${wl.name} on ${dev.description}: ${(total / steps).toFixed(2)} ms/step, ` +
    `${(wl.batchSize * steps / total * 1000).toFixed(0)} samples/s`,
);
for (const [k, v] of rows) {
  console.log(
    `${(v.ms / steps).toFixed(3).padStart(9)} ms ${(100 * v.ms / total).toFixed(1).padStart(5)}%` +
      `  ×${v.calls / steps}  ${k}`,
  );
}
console.log(
  `${((total - inKernels) / steps).toFixed(3).padStart(9)} ms ` +
    `${(100 * (total - inKernels) / total).toFixed(1).padStart(5)}%  outside kernels`,
);
if (helperStats.pairs > 0) {
  console.log(
    `split passes: ${helperStats.pairs}, of which the helper thread ran its half: ` +
      `${helperStats.onHelper}`,
  );
}
