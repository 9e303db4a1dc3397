/**
 * The bench's peers on a machine like an offline GPU box: an empty Deno cache (DENO_DIR) with
 * `--cached-only` skips the TF.js peers with a note instead of fetching or failing; PyTorch on
 * CUDA is refused clearly when forced (this machine's PyTorch has no CUDA) and `auto` falls back
 * to the CPU; `--peer-device` is checked.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { notCachedNote, parsePeerDevice, peerSpecs, torchDevice } from "../../bench/peers_run.ts";

const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const td = new TextDecoder();

Deno.test("peers: --peer-device is checked; auto means CUDA only next to our WebGPU", () => {
  assert.equal(parsePeerDevice("cuda"), "cuda");
  assert.throws(() => parsePeerDevice("gpu"), /--peer-device gpu must be cpu, cuda or auto/);
  assert.equal(torchDevice("webgpu", "auto"), "auto");
  assert.equal(torchDevice("cpu", "auto"), "cpu");
  assert.equal(torchDevice("cpu", "cuda"), "cuda");
  const specs = peerSpecs("webgpu", { threads: 1, peerDevice: "cuda" });
  assert.deepEqual(specs.map((s) => s.peer), [
    "torch-cuda",
    "tfjs-cpu",
    "tfjs-wasm",
    "tfjs-webgpu",
  ]);
  assert.equal(specs[0].command(1, "W1").at(-1), "cuda");
  // The TF.js peers never touch the network unless asked to.
  for (const s of specs.slice(1)) assert.ok(s.command(1, "W1").includes("--cached-only"));
  const fetching = peerSpecs("cpu", { threads: 1, fetch: true });
  assert.deepEqual(fetching.map((s) => s.peer), ["torch", "tfjs-cpu", "tfjs-wasm"]);
  assert.ok(!fetching[1].command(1, "W1").includes("--cached-only"));
  const gpuOnly = peerSpecs("webgpu", {
    threads: 1,
    peerDevice: "cuda",
    only: ["torch", "tfjs-webgpu"],
  });
  assert.deepEqual(gpuOnly.map((s) => s.peer), ["torch-cuda", "tfjs-webgpu"]);
  assert.throws(
    () => peerSpecs("cpu", { threads: 1, only: ["jax"] }),
    /--peer-only jax is not a peer/,
  );
  const venv = peerSpecs("cpu", { threads: 2, python: "/opt/venv/bin/python" })[0];
  assert.deepEqual(venv.command(1, "W1").slice(2), ["1", "W1", "2", "cpu"]);
  assert.equal(venv.command(1, "W1")[0], "/opt/venv/bin/python");
  assert.match(notCachedNote("@tensorflow/tfjs"), /^skipped: .*deno cache --no-lock/);
});

/** Runs the PyTorch peer directly: one tiny W1 on `device`. */
async function torchPeer(device: string) {
  const r = await new Deno.Command("/usr/bin/python3", {
    args: [root("bench/peers/torch_peer.py"), "0.01", "W1", "1", device],
    env: { OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(r.code, 0, td.decode(r.stderr));
  return td.decode(r.stdout).trim().split("\n").map((l) => JSON.parse(l));
}

const torch = await new Deno.Command("/usr/bin/python3", { args: ["-c", "import torch"] })
  .output().then((r) => r.success, () => false);
const hasCuda = torch &&
  (await new Deno.Command("/usr/bin/python3", {
    args: ["-c", "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)"],
  }).output()).success;

Deno.test({
  name: "peers: PyTorch auto falls back to the CPU and says why; cuda forced says unavailable",
  ignore: !torch || hasCuda,
  fn: async () => {
    const [auto] = await torchPeer("auto");
    assert.equal(auto.peer, "torch");
    assert.equal(auto.device, "cpu");
    assert.match(auto.deviceNote, /^auto: CPU, because /);
    assert.ok(auto.median > 0);
    const [forced] = await torchPeer("cuda");
    assert.equal(forced.peer, "torch-cuda");
    assert.equal(forced.median, undefined);
    assert.match(
      forced.error,
      /CUDA did not initialise: --peer-device cuda, but .*--peer-device cpu/,
    );
    const [bad] = await torchPeer("rocm");
    assert.match(bad.error, /unknown peer device 'rocm'/);
  },
});

Deno.test({
  name: "peers: on CUDA the PyTorch peer names its GPU",
  ignore: !hasCuda,
  fn: async () => {
    const [r] = await torchPeer("auto");
    assert.equal(r.peer, "torch-cuda");
    assert.equal(r.device, "cuda");
    assert.ok(r.deviceName && r.median > 0, JSON.stringify(r));
  },
});

Deno.test({
  name: "bench --peers offline (empty DENO_DIR): TF.js skipped with a note, forced CUDA refused",
  ignore: !torch || hasCuda,
  fn: async () => {
    const denoDir = await Deno.makeTempDir();
    const dir = await Deno.makeTempDir();
    try {
      const out = `${dir}/results.json`;
      const r = await new Deno.Command(Deno.execPath(), {
        args: [
          ...["run", "-A", root("bench/bench.ts"), "--peers", "--only", "W1"],
          ...["--seconds", "0.05", "--peer-device", "cuda", "--out", out],
        ],
        env: { DENO_DIR: denoDir },
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(r.code, 0, td.decode(r.stderr));
      const json = JSON.parse(await Deno.readTextFile(out));
      const md = await Deno.readTextFile(`${dir}/results.md`);
      assert.equal(json.peerDevice, "cuda");
      const byPeer = (p: string) => json.peers.filter((l: { peer: string }) => l.peer === p);
      for (const p of ["tfjs-cpu", "tfjs-wasm"]) {
        const [line, ...rest] = byPeer(p);
        assert.equal(rest.length, 0, `${p}: one line stands for every case`);
        assert.equal(line.skipped, true, JSON.stringify(line));
        assert.match(line.error, /npm package @tensorflow\/tfjs.* is not in Deno's cache/);
      }
      const [cuda] = byPeer("torch-cuda");
      assert.match(cuda.error, /CUDA did not initialise/);
      assert.ok(json.ours[0].median > 0, "ours still ran");
      // The table: our dispatches per step, the skipped peers, and the CUDA refusal in full.
      assert.match(md, /\| workload +\| unit +\| ours +\| dispatches\/step \(ours\) +\|/);
      assert.match(
        md,
        new RegExp(
          `\\| W1 +\\| samples/s +\\| [0-9.e+]+ +\\| ${json.ours[0].perStep.dispatches} +\\|`,
        ),
      );
      assert.match(md, /\| skipped +\|/);
      assert.match(md, /- tfjs-cpu skipped: npm package @tensorflow\/tfjs[\s\S]*?--fetch-peers/);
      assert.match(
        md,
        /torch-cuda: [^;]*error: CUDA did not\s+initialise:[^;]*;\s+use\s+--peer-device\s+cpu/,
      );
    } finally {
      await Deno.remove(denoDir, { recursive: true });
      await Deno.remove(dir, { recursive: true });
    }
  },
});
