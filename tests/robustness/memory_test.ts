/**
 * memory() counts each buffer once (views and assigned tensors share one), tensors garbage
 * collected without dispose() stop counting and, on WebGPU, give their buffers back to the
 * pool; a pile-up of tensors outside tidy warns once with the fix.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { setDevice } from "../../kernels/device.ts";
import { memory, setLeakWarning, tidy } from "../../kernels/engine.ts";
import { releaseCollected, tensor, zeros } from "../../kernels/tensor_core.ts";
import "../../kernels/tensor.ts";
import { ignoreWithoutGpu } from "../kernels/webgpu/gpu_available.ts";

/** Views and an assigned tensor on `device`: each buffer counted once. */
async function sharedBytes(device: "cpu" | "webgpu"): Promise<void> {
  await setDevice(device);
  try {
    const m0 = memory();
    const a = zeros([1000]);
    const views = [a.reshape([10, 100]), a.reshape([100, 10])];
    assert.deepEqual(memory(), { ...m0, tensors: m0.tensors + 3, bytes: m0.bytes + 4000 });
    const b = zeros([10, 100]);
    views[0].assign(b); // the view now shares b's buffer; a's stays held by a and views[1]
    assert.deepEqual(memory(), { ...m0, tensors: m0.tensors + 4, bytes: m0.bytes + 8000 });
    a.dispose();
    views[1].dispose();
    assert.deepEqual(memory(), { ...m0, tensors: m0.tensors + 2, bytes: m0.bytes + 4000 });
    b.dispose();
    views[0].dispose();
    assert.deepEqual(memory(), m0);
  } finally {
    await setDevice("cpu");
  }
}

Deno.test("memory(): views and assigned tensors share one buffer's bytes", async () => {
  await sharedBytes("cpu");
});

Deno.test({
  name: "memory() on WebGPU: views and assigned tensors share one buffer's bytes",
  ignore: await ignoreWithoutGpu(),
  fn: () => sharedBytes("webgpu"),
});

async function gcChild(device: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--v8-flags=--expose-gc",
      join(import.meta.dirname!, "gc_child.ts"),
      device,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, text + new TextDecoder().decode(out.stderr));
  return JSON.parse(text.trim().split("\n").at(-1)!);
}

Deno.test("leaked CPU tensors stop counting once garbage collected", async () => {
  const r = await gcChild("cpu");
  assert.equal(r.leaked.tensors, r.before.tensors + 600); // 300 outputs + 300 views
  assert.equal(r.leaked.bytes, r.before.bytes + 300 * 256 * 1024);
  assert.deepEqual({ tensors: r.after.tensors, bytes: r.after.bytes }, {
    tensors: r.before.tensors,
    bytes: r.before.bytes,
  });
});

Deno.test({
  name: "leaked WebGPU tensors: the finalizer returns their buffers to the pool for reuse",
  ignore: await ignoreWithoutGpu(),
  fn: async () => {
    const r = await gcChild("webgpu");
    assert.equal(r.leaked.tensors, r.before.tensors + 600);
    assert.deepEqual({ tensors: r.after.tensors, bytes: r.after.bytes }, {
      tensors: r.before.tensors,
      bytes: r.before.bytes,
    });
    assert.ok(r.after.pooled >= r.leaked.pooled + 256 * 1024, JSON.stringify(r));
    assert.equal(r.createdAgain, 0, "the second leak reused the released buffers");
  },
});

Deno.test({
  name: "the finalizer's callback releases a WebGPU buffer into the pool (no GC needed)",
  ignore: await ignoreWithoutGpu(),
  fn: async () => {
    await setDevice("webgpu");
    try {
      const { backend } = await import("../../kernels/engine.ts");
      const pool = backend() as unknown as { pooledBytes(): number };
      const t = tensor(new Float32Array(4096));
      const m0 = memory(), p0 = pool.pooledBytes();
      releaseCollected({ ref: t.ref });
      assert.equal(pool.pooledBytes(), p0 + 16384);
      assert.deepEqual(memory(), {
        tensors: m0.tensors - 1,
        bytes: m0.bytes - 16384,
        collected: m0.collected + 1,
      });
    } finally {
      await setDevice("cpu");
    }
  },
});

Deno.test("tensors piling up outside tidy warn once, with the fix; inside tidy they do not", async () => {
  await setDevice("cpu");
  const warn = console.warn;
  const seen: string[] = [];
  console.warn = (s: string) => seen.push(s);
  const made = [];
  try {
    setLeakWarning(50);
    tidy(() => {
      for (let i = 0; i < 120; i++) zeros([1]);
    });
    assert.deepEqual(seen, []);
    for (let i = 0; i < 49; i++) made.push(zeros([1]));
    assert.deepEqual(seen, []);
    made.push(zeros([1]));
    assert.equal(seen.length, 1);
    assert.match(
      seen[0],
      /^warning: 50 more tensors are alive than before \(\d+ now, [\d.]+ MB\): tensors made outside tidy\(\) live until dispose\(\) or garbage collection\. Wrap each step in tidy\(\(\) => \.\.\.\) and keep\(\) what must survive it \(setLeakWarning\(false\) silences this\)$/,
    );
    for (let i = 0; i < 200; i++) made.push(zeros([1]));
    assert.equal(seen.length, 1, "once");
  } finally {
    console.warn = warn;
    made.forEach((t) => t.dispose());
    setLeakWarning(1000);
  }
});
