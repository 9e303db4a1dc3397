/**
 * The helper thread (parallel/helper.ts): it starts in the background and runs the second list
 * of a pair; switched off, the main thread runs both; a list the helper cannot run is run again
 * on the main thread (so its error surfaces there) and the helper is not used again; an idle
 * helper exits and the next pair starts another. Nothing hangs. Each test file runs in its own isolate, so switching the helper off here stays here.
 */
import assert from "node:assert/strict";
import { CommandList } from "../../../../kernels/cpu/parallel/commands.ts";
import {
  helperReady,
  helperStats,
  helperStatus,
  runPair,
  setHelperEnabled,
} from "../../../../kernels/cpu/parallel/helper.ts";
import { openBlasPath } from "../../../../kernels/cpu/gemm_dispatch.ts";
import { IDLE_EXIT_MS } from "../../../../kernels/cpu/parallel/protocol.ts";
import { wasmKernels } from "../../../../kernels/cpu/wasm/module.ts";

const k = wasmKernels();
const ignore = !k || openBlasPath() === undefined;

/** A list that sets n values at `out` to max(value, 0). */
function reluList(out: Float32Array): CommandList {
  const l = new CommandList();
  l.call("relu_f32", out.byteOffset, out.byteOffset, out.length);
  return l;
}

Deno.test({
  name: "the helper runs the second list; switched off, the main thread runs both",
  ignore,
  fn: async () => {
    const a = k!.heap.alloc(64)!, b = k!.heap.alloc(64)!;
    try {
      assert.ok(await helperReady(20_000), "the helper thread did not start within 20 s");
      a.fill(-1);
      b.fill(-1);
      runPair(reluList(a), reluList(b), k!);
      assert.deepEqual([a[0], a[63], b[0], b[63]], [0, 0, 0, 0]);
      assert.equal(helperStats.onHelper, 1, "the helper did not run the second list");
      const was = setHelperEnabled(false);
      try {
        const onHelper = helperStats.onHelper;
        b.fill(-2);
        runPair(new CommandList(), reluList(b), k!);
        assert.equal(b[10], 0);
        assert.equal(helperStats.onHelper, onHelper);
      } finally {
        setHelperEnabled(was);
      }
    } finally {
      k!.heap.release(a);
      k!.heap.release(b);
    }
  },
});

Deno.test({
  name: "the status line says how conv passes run, and why on one thread",
  ignore,
  fn: () => {
    assert.equal(helperStatus(k), "im2col conv on 2 threads");
    assert.match(
      helperStatus(undefined),
      /on 1 thread \(the helper needs WASM SIMD and OpenBLAS\)/,
    );
    const was = setHelperEnabled(false);
    try {
      assert.equal(helperStatus(k), "im2col conv on 1 thread (helper thread off)");
    } finally {
      setHelperEnabled(was);
    }
  },
});

Deno.test({
  name: "an idle helper closes itself and a new one takes the next pairs",
  ignore,
  fn: async () => {
    assert.ok(await helperReady(20_000), "the helper thread did not start within 20 s");
    await new Promise((r) => setTimeout(r, IDLE_EXIT_MS + 500));
    const out = k!.heap.alloc(8)!;
    try {
      out.fill(-1);
      const before = helperStats.onHelper;
      runPair(new CommandList(), reluList(out), k!); // on this thread; starts a new helper
      assert.equal(out[7], 0);
      assert.equal(helperStats.onHelper, before, "the idle helper did not close");
      assert.ok(await helperReady(20_000), "no new helper within 20 s");
      const onHelper = helperStats.onHelper;
      out.fill(-1);
      runPair(new CommandList(), reluList(out), k!);
      assert.deepEqual([out[0], helperStats.onHelper - onHelper], [0, 1]);
    } finally {
      k!.heap.release(out);
    }
  },
});

Deno.test({
  name: "a list the helper cannot run is run on the main thread, whose error surfaces",
  ignore,
  fn: () => {
    const bad = new CommandList();
    // C outside the memory: both threads' GEMMs refuse it.
    bad.gemm(false, false, 2, 2, 2, 1, 0, 2, 0, 2, 0, k!.heap.sizeBytes, 2);
    const onHelper = helperStats.onHelper;
    assert.throws(() => runPair(new CommandList(), bad, k!), /outside/);
    assert.equal(helperStats.onHelper, onHelper, "a failed half is not counted as run");
    // The helper is no longer used: the next pair runs on the main thread.
    const out = k!.heap.alloc(8)!;
    out.fill(-1);
    runPair(new CommandList(), reluList(out), k!);
    assert.equal(out[7], 0);
    assert.equal(helperStats.onHelper, onHelper);
    k!.heap.release(out);
  },
});

Deno.test({
  name: "the helper thread also starts when the toolkit is imported over http",
  ignore,
  fn: async () => {
    const root = new URL("../../../../", import.meta.url);
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
      try {
        const body = await Deno.readFile(new URL(`.${new URL(req.url).pathname}`, root));
        return new Response(body, { headers: { "content-type": "application/typescript" } });
      } catch {
        return new Response("not found", { status: 404 });
      }
    });
    try {
      const base = `http://127.0.0.1:${server.addr.port}`;
      const probe = new URL("./remote_probe.ts", import.meta.url).pathname;
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--no-lock", `--reload=${base}`, "--no-check", probe, base],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.ok(out.success, new TextDecoder().decode(out.stderr));
      const r = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
      assert.equal(r.ready, true);
      assert.ok(r.onHelper > 0, "the helper ran no half");
    } finally {
      await server.shutdown();
    }
  },
});
