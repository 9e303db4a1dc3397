import assert from "node:assert/strict";
import "../../kernels/ops/mod.ts";
import "../../kernels/webgpu/kernels/register_all.ts";
import { getKernel, kernelsForBackend, registerKernel } from "../../kernels/kernel_registry.ts";
import { getOp, registeredOps } from "../../kernels/op.ts";

/** The kernel registry: one kernel per (op, backend), every one naming a real op. */

const BACKENDS = ["cpu", "webgpu"];

Deno.test("registry: every kernel of every backend names a registered op", () => {
  for (const b of BACKENDS) {
    const kernels = kernelsForBackend(b);
    assert.ok(kernels.length > 0, `${b} registered no kernels`);
    for (const k of kernels) {
      assert.equal(k.backendName, b);
      assert.ok(getOp(k.kernelName), `${b} kernel "${k.kernelName}" names no op`);
    }
  }
});

Deno.test("registry: every op runs on every backend (webgpu: a registered WGSL kernel)", () => {
  for (const op of registeredOps()) {
    // The CPU runs the op's reference kernel where no fast one is registered.
    assert.ok(getKernel(op.name, "cpu") || typeof op.cpu === "function", op.name);
    assert.ok(getKernel(op.name, "webgpu"), `op "${op.name}" has no WebGPU kernel`);
  }
});

Deno.test("registry: a second kernel for the same op and backend is refused", () => {
  const config = getKernel("relu", "webgpu")!;
  assert.throws(() => registerKernel(config), /"relu" is registered twice for backend "webgpu"/);
  assert.equal(getKernel("relu", "no-such-backend"), undefined);
  assert.deepEqual(kernelsForBackend("no-such-backend"), []);
});
