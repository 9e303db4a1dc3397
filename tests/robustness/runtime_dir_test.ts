/**
 * Without XDG_RUNTIME_DIR a run prints nothing that starts with "error:" (the Vulkan loader's
 * complaint used to appear twice before every auto/WebGPU run): the device probe sets a private
 * runtime folder first.
 */
import assert from "node:assert/strict";
import { ensureRuntimeDir } from "../../kernels/runtime_dir.ts";

const device = new URL("../../kernels/device.ts", import.meta.url).href;

Deno.test("no XDG_RUNTIME_DIR: auto and webgpu probes print no 'error:' line", async () => {
  const env = { ...Deno.env.toObject() };
  delete env.XDG_RUNTIME_DIR;
  for (const name of ["auto", "webgpu"]) {
    const code = `import { setDevice } from "${device}";
      try { await setDevice("${name}"); } catch (e) { console.log("no adapter: " + e.message); }
      console.log("dir " + Deno.env.get("XDG_RUNTIME_DIR"));`;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--quiet", code],
      env,
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, text);
    assert.ok(!/^error:/m.test(text), `${name}: ${text}`);
    const uid = Deno.uid();
    assert.match(text, new RegExp(`^dir /tmp/deno-dl-runtime-${uid}$`, "m"));
    const st = Deno.statSync(`/tmp/deno-dl-runtime-${uid}`);
    assert.equal(st.mode! & 0o777, 0o700);
  }
});

Deno.test("a runtime folder already set is left alone", () => {
  const before = Deno.env.get("XDG_RUNTIME_DIR");
  Deno.env.set("XDG_RUNTIME_DIR", "/run/user/elsewhere");
  try {
    assert.equal(ensureRuntimeDir(), undefined);
    assert.equal(Deno.env.get("XDG_RUNTIME_DIR"), "/run/user/elsewhere");
  } finally {
    if (before === undefined) Deno.env.delete("XDG_RUNTIME_DIR");
    else Deno.env.set("XDG_RUNTIME_DIR", before);
  }
});

Deno.test("no XDG_RUNTIME_DIR: a whole task run (lowlevel --quick, auto) prints no 'error:' line", async () => {
  const env = { ...Deno.env.toObject() };
  delete env.XDG_RUNTIME_DIR;
  const out = await Deno.makeTempDir();
  try {
    const task = new URL("../../tasks/lowlevel.ts", import.meta.url).pathname;
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", task, "--quick", "--device", "auto", "--out", out],
      env: { ...env, NO_COLOR: "1" },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(r.stdout) + new TextDecoder().decode(r.stderr);
    assert.equal(r.code, 0, text);
    assert.match(text, /^lowlevel: device /m);
    assert.ok(!/^error:/m.test(text), text);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
