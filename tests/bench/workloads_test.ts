/**
 * W5–W7 (bench/workloads.ts): each model is built, gives 10 logits per sample, and one bench step
 * (forward, backward, optimiser) leaves no tensor behind; the PyTorch peer runs the same three on
 * a tiny timing. (The TF.js peers need npm packages this offline machine lacks: not tested here.)
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import "../../kernels/tensor_methods.ts";
import { setDevice } from "../../kernels/device.ts";
import { memory } from "../../kernels/engine.ts";
import { Rng } from "../../kernels/random.ts";
import { zeros } from "../../kernels/tensor.ts";
import { CASES, makeCase } from "../../bench/run_one.ts";
import { WORKLOADS } from "../../bench/workloads.ts";
import { RESNET_FASHION_PARAMS } from "../../tasks/resnet_fashion.ts";
import { LSTM_MNIST_PARAMS } from "../../tasks/lstm_mnist.ts";
import { hasTorch, PYTHON } from "../torch_python.ts";

/** W7: 2 layer norms (2·2·128), attention (4·128·128 + 4·128), MLP 128·512 + 512 + 512·128 + 128, head 1290. */
const W7_PARAMS = 2 * 256 + (4 * 128 * 128 + 4 * 128) + (128 * 512 + 512 + 512 * 128 + 128) + 1290;
const PARAMS: Record<string, number> = {
  W5: RESNET_FASHION_PARAMS,
  W6: LSTM_MNIST_PARAMS,
  W7: W7_PARAMS,
};

Deno.test("bench: W5–W7 are cases; each model is built with its task's parameters, 10 logits", async () => {
  await setDevice("cpu");
  assert.deepEqual(CASES.slice(-3), ["W5", "W6", "W7"]);
  for (const name of ["W5", "W6", "W7"]) {
    const wl = WORKLOADS.find((w) => w.name === name)!;
    const m = wl.model();
    assert.equal(m.countParams(), PARAMS[name], `${name} parameters`);
    const x = zeros([2, ...wl.inputShape]);
    assert.deepEqual(m.apply(x).shape, [2, 10], name);
    x.dispose();
    m.dispose();
  }
});

for (const name of ["W5", "W6", "W7"]) {
  Deno.test(`bench: a ${name} step trains (finite loss) and leaks no tensor`, async () => {
    await setDevice("cpu");
    const c = makeCase(name, new Rng(7));
    const first = c.step();
    await first.read();
    first.dispose();
    const before = memory().tensors;
    const s = c.step();
    const loss = (await s.read()) as Float32Array;
    s.dispose();
    assert.ok(Number.isFinite(loss[0]) && loss[0] > 0, `${name} loss ${loss[0]}`);
    assert.equal(memory().tensors, before, `${name}: live tensors after a step`);
    c.dispose();
  });
}

Deno.test({
  name: "bench: the PyTorch peer runs W5, W6 and W7 and reports samples/s",
  ignore: !hasTorch,
  fn: async () => {
    const script = fileURLToPath(new URL("../../bench/peers/torch_peer.py", import.meta.url));
    const r = await new Deno.Command(PYTHON, {
      args: [script, "0.01", "W5,W6,W7", "1", "cpu"],
      env: { OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(r.success, new TextDecoder().decode(r.stderr));
    const lines = new TextDecoder().decode(r.stdout).trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.workload), ["W5", "W6", "W7"]);
    for (const l of lines) {
      assert.equal(l.unit, "samples/s");
      assert.ok(l.median > 0 && l.min <= l.median && l.median <= l.max, JSON.stringify(l));
    }
  },
});
