import assert from "node:assert/strict";
import "../../kernels/tensor.ts";
import { registeredOps } from "../../kernels/op.ts";

/**
 * Importing any one public module gives the whole toolkit: every op, the tensor methods and a
 * default backend. Each module is imported alone in a fresh process, since in this one the
 * imports above have already loaded everything.
 */

const PUBLIC_MODULES = [
  "mod.ts",
  "kernels/tensor.ts",
  "kernels/ops/mod.ts",
  "kernels/autograd.ts",
  "layers/mod.ts",
  "train/fit.ts",
  "train/optimizers_mod.ts",
];

for (const mod of PUBLIC_MODULES) {
  Deno.test(`public module ${mod} alone loads every op, the methods and the CPU backend`, async () => {
    const root = new URL("../../", import.meta.url);
    const probe = `
      await import(${JSON.stringify(new URL(mod, root).href)});
      const { registeredOps } = await import(${
      JSON.stringify(new URL("kernels/op.ts", root).href)
    });
      const { fromHost } = await import(${
      JSON.stringify(new URL("kernels/tensor_core.ts", root).href)
    });
      const y = fromHost(Float32Array.of(1, -2), [2], "float32").relu();
      console.log(JSON.stringify({
        ops: registeredOps().length,
        relu: Array.from(y.dataSync()),
        device: y.device,
      }));`;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--no-check", probe],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const err = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, err);
    const got = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
    assert.deepEqual(got, { ops: registeredOps().length, relu: [1, 0], device: "cpu" });
  });
}
