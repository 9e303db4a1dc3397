/**
 * Tasks fail fast and cleanly (issue 15.4): each task runs as a subprocess, as a user would run
 * it, and every misuse ends before any training with one clear message and no stack trace.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cifar10OrStandIn } from "../../datasets/cifar10_standin.ts";
import { task as mnistCnn } from "../../tasks/mnist_cnn.ts";
import { withTempDir, writeCifarFolder } from "../datasets/cifar10_fixture.ts";

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `tasks/<file>` with `args` (and `env` added) and returns its exit code and output. */
async function runTask(file: string, args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join("tasks", file), ...args],
    env: { ...env, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) } as Outcome;
}

/** No stack frames ("    at file:…") and nothing trained (no "data:" or "epoch" line). */
function assertCleanFailure(r: Outcome): void {
  assert.doesNotMatch(r.stderr, /^\s+at /m, r.stderr);
  assert.doesNotMatch(r.stdout, /^data: |^epoch \d/m, r.stdout);
}

Deno.test("unknown flag: the message, the usage, exit 2, no stack trace", async () => {
  const r = await runTask("mnist_cnn.ts", ["--bogus"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^error: unknown flag --bogus\n/);
  assert.match(r.stderr, /deno task mnist-cnn \[flags\][\s\S]*--epochs N/);
  assertCleanFailure(r);
});

Deno.test("flags that do not go together are usage errors too (exit 2)", async () => {
  const r = await runTask("two_layer_net.ts", ["--toy", "--grid"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^error: give one of --toy, --grid, --merge\n/);
  const l = await runTask("cifar10_improve.ts", ["--ladder", "--dropout"]);
  assert.equal(l.code, 2);
  assert.match(l.stderr, /--ladder runs every improvement itself/);
  assertCleanFailure(l);
});

Deno.test("--epochs -1: says what is valid, not 'ambiguous'; exit 2", async () => {
  const r = await runTask("mnist_cnn.ts", ["--epochs", "-1"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /error: --epochs must be an integer ≥ 1, got "-1"/);
  assert.doesNotMatch(r.stderr, /ambiguous/);
  assertCleanFailure(r);
});

Deno.test("--help: every flag's default and what --quick does for the task; exit 0", async () => {
  const r = await runTask("mnist_cnn.ts", ["--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /--epochs N +training epochs; default 12/);
  assert.match(r.stdout, /--batch-size N +samples per step; default 128/);
  assert.match(r.stdout, /--device V .*; default auto/);
  assert.match(r.stdout, /--seed N .*; default 1/);
  const q = mnistCnn.quick;
  assert.ok(
    r.stdout.includes(`--quick: ${q.epochs} epoch(s) on the first ${q.limit} training samples`),
    r.stdout,
  );
  const c = await runTask("circles_mlp.ts", ["--help"]);
  assert.equal(c.code, 0);
  assert.match(c.stdout, /--lr N +learning rate of SGD; default 0\.07/);
  assert.match(c.stdout, /--quick: 100 epochs instead of 150/);
});

Deno.test("--out that cannot be written fails before any training, with the fix", async () => {
  const r = await runTask("mnist_cnn.ts", ["--quick", "--device", "cpu", "--out", "/proc/foo"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /error: cannot write the results folder \/proc\/foo .*pass --out/);
  assertCleanFailure(r);
});

Deno.test("a CIFAR-10 folder given by flag or env that does not exist is an error, not the stand-in", async () => {
  await withTempDir(async (dir) => {
    const missing = join(dir, "no-such-folder");
    const out = join(dir, "out");
    const flag = await runTask("cifar10_cnn.ts", [
      "--quick",
      "--device",
      "cpu",
      "--data-dir",
      missing,
      "--out",
      out,
    ]);
    assert.equal(flag.code, 1);
    assert.match(flag.stderr, new RegExp(`error: ${missing} \\(--data-dir\\) does not exist`));
    assert.doesNotMatch(flag.stdout + flag.stderr, /stand-in data:/);
    assertCleanFailure(flag);
    const env = await runTask("cifar10_cnn.ts", ["--quick", "--device", "cpu", "--out", out], {
      CIFAR10_DIR: missing,
    });
    assert.equal(env.code, 1);
    assert.match(env.stderr, /\(\$CIFAR10_DIR\) does not exist/);
    assertCleanFailure(env);
    // In the library too: cifar10OrStandIn never swaps a missing named folder for the stand-in.
    await assert.rejects(() => cifar10OrStandIn({ dataDir: missing }), /does not exist/);
  });
});

Deno.test("MNIST_DIR and FASHION_MNIST_DIR that do not exist are errors", async () => {
  const m = await runTask("mnist_cnn.ts", ["--quick", "--device", "cpu", "--out", "/tmp/x"], {
    MNIST_DIR: "/nonexistent/mnist",
  });
  assert.equal(m.code, 1);
  assert.match(m.stderr, /error: \/nonexistent\/mnist: missing train-images-idx3-ubyte/);
  assertCleanFailure(m);
  const f = await runTask(
    "optimizers.ts",
    ["--quick", "--dataset", "fashion-mnist", "--device", "cpu", "--out", "/tmp/x"],
    { FASHION_MNIST_DIR: "/nonexistent/fashion" },
  );
  assert.equal(f.code, 1);
  assert.match(
    f.stderr,
    /error: Fashion-MNIST not found in \/nonexistent\/fashion \(from FASHION_MNIST_DIR\)/,
  );
  assertCleanFailure(f);
});

Deno.test("a CIFAR-10 copy with fewer records than asked is an error unless --limit asks for fewer", async () => {
  await withTempDir(async (dir) => {
    const data = join(dir, "cifar");
    await writeCifarFolder(data, 12, 12);
    const r = await runTask("two_layer_net.ts", [
      "--device",
      "cpu",
      "--data-dir",
      data,
      "--out",
      join(dir, "o"),
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error: .*CIFAR-10's training files hold 60 records, fewer than the/);
    assert.doesNotMatch(r.stderr, /^\s+at /m, r.stderr);
  });
});
