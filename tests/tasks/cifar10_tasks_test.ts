import assert from "node:assert/strict";
import { join } from "node:path";
import { setDevice } from "../../kernels/device.ts";
import "../../kernels/tensor_methods.ts";
import {
  CIFAR_STARTER_PARAMS,
  cifarStarter,
  KERAS_CIFAR_CNN_PARAMS,
  kerasCifarCnn,
  RDFIA_PARAMS,
  rdfiaNet,
} from "../../tasks/cifar10_models.ts";
import { fullCheckRow, quickFloorRow } from "../../tasks/cifar10_rows.ts";
import { reproduction as cnnReproduction, task as cnnTask } from "../../tasks/cifar10_cnn.ts";
import { runCifarTask } from "../../tasks/cifar10_run.ts";
import { reproduction as starterReproduction } from "../../tasks/cifar10_starter.ts";
import { CIFAR_FLAGS } from "../../tasks/cifar10_common.ts";
import { parseFlags, UsageError } from "../../experiment/flags.ts";
import { COMMON_FLAGS } from "../../experiment/run.ts";
import { withTempDir, writeCifarFolder } from "../datasets/cifar10_fixture.ts";

await setDevice("cpu");

const params = (m: ReturnType<typeof rdfiaNet>) => {
  m.build();
  const n = m.countParams();
  m.dispose();
  return n;
};

Deno.test("rdfiaNet: 1 191 170 parameters as the homework states; batch norm adds 2 per channel", () => {
  assert.equal(RDFIA_PARAMS, 1191170);
  assert.equal(params(rdfiaNet(1)), 1191170);
  assert.equal(params(rdfiaNet(1, { dropout: true })), 1191170);
  assert.equal(params(rdfiaNet(1, { batchNorm: true })), 1191170 + 2 * (32 + 64 + 64));
});

Deno.test("kerasCifarCnn and cifarStarter: documented parameter counts", () => {
  assert.equal(params(kerasCifarCnn(1)), KERAS_CIFAR_CNN_PARAMS);
  assert.equal(KERAS_CIFAR_CNN_PARAMS, 624106);
  assert.equal(params(cifarStarter(1)), CIFAR_STARTER_PARAMS);
  assert.equal(CIFAR_STARTER_PARAMS, 1216 + 6416 + 40970);
});

Deno.test("CIFAR_FLAGS: --data-dir beside the common flags", () => {
  const f = parseFlags({ ...COMMON_FLAGS, ...CIFAR_FLAGS }, ["--quick", "--data-dir", "/x"], {
    command: "t",
    description: "d",
  });
  assert.equal(f["data-dir"], "/x");
  assert.equal(f.quick, true);
  assert.throws(
    () =>
      parseFlags({ ...COMMON_FLAGS, ...CIFAR_FLAGS }, ["--nope"], {
        command: "t",
        description: "",
      }),
    UsageError,
  );
});

Deno.test("rows: stand-in data is never a pass, however good the number", () => {
  const at = { task: "t", device: "cpu", wallSeconds: 1, command: "deno task t --quick" };
  const floors = { real: 0.2, standIn: 0.3 };
  const c = (value: number) => ({ check: "c", reported: "0.7", value });
  assert.equal(quickFloorRow(at, false, c(0.9), floors).status, "pass");
  assert.equal(quickFloorRow(at, false, c(0.1), floors).status, "fail");
  const s = quickFloorRow(at, true, c(0.9), floors);
  assert.equal(s.status, "not reproduced: data absent");
  assert.match(s.ours, /stand-in/);
  assert.match(s.tolerance, /met/);
  assert.match(quickFloorRow(at, true, c(0.1), floors).tolerance, /NOT MET/);
  const full = (value: number, standIn: boolean) =>
    fullCheckRow(at, standIn, { ...c(value), target: 0.7, tol: 0.01 }).status;
  assert.equal(full(0.7, false), "pass");
  assert.equal(full(0.6, false), "fail");
  assert.equal(full(0.7, true), "not reproduced: data absent");
});

/** Runs a quick reproduction on an empty data folder and returns its rows and metrics.json. */
async function quickOnStandIn(rep: typeof cnnReproduction) {
  let out: { rows: Awaited<ReturnType<typeof rep.runQuick>>; metrics: Record<string, unknown> };
  await withTempDir(async (dir) => {
    const outDir = join(dir, "out");
    const empty = join(dir, "empty");
    await Deno.mkdir(empty);
    const opts = { outDir, device: "cpu" as const, seed: 1, dataDir: empty };
    const rows = await rep.runQuick(opts);
    for (const f of ["metrics.json", "history.csv", "curves.svg", "confusion.csv"]) {
      assert.ok((await Deno.stat(join(outDir, f))).isFile, `${f} written`);
    }
    out = { rows, metrics: JSON.parse(await Deno.readTextFile(join(outDir, "metrics.json"))) };
  });
  return out!;
}

Deno.test("cifar10-cnn quick on stand-in: 'not reproduced: data absent', learns above chance", async () => {
  const { rows, metrics } = await quickOnStandIn(cnnReproduction);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].status, "not reproduced: data absent");
  assert.match(rows[0].tolerance, /: met$/, rows[0].tolerance);
  assert.match(String(metrics.warning), /stand-in data: CIFAR-10 not found/);
  assert.match(String(metrics.command), /--data-dir/);
  assert.ok((metrics.ours as { testAcc: number }).testAcc >= 0.2);
});

Deno.test("cifar10-starter quick on stand-in: 'not reproduced', 0–255 mean-triplet inputs", async () => {
  const { rows, metrics } = await quickOnStandIn(starterReproduction);
  assert.equal(rows[0].status, "not reproduced: data absent");
  assert.match(rows[0].tolerance, /: met$/, rows[0].tolerance);
  assert.match(String(metrics.warning), /stand-in/);
  const pre = (metrics.config as { preprocessing: { meanRgbTriplet255: number[] } }).preprocessing;
  assert.equal(pre.meanRgbTriplet255.length, 3);
  // Means of pixels on the 0–255 scale: well inside it, and not the 0–1 scale by mistake.
  assert.ok(pre.meanRgbTriplet255.every((m) => m > 20 && m < 235), String(pre.meanRgbTriplet255));
});

Deno.test("cifar10-cnn quick on files in the official format: real-data path, no stand-in", async () => {
  await withTempDir(async (dir) => {
    const data = join(dir, "cifar");
    // The quick run evaluates 250 test images; --limit 60 takes all five small training files.
    await writeCifarFolder(data, 12, 250);
    const outDir = join(dir, "out");
    const args = ["--quick", "--limit", "60", "--device", "cpu", "--data-dir", data];
    const r = await runCifarTask(cnnTask, [...args, "--out", outDir]);
    assert.equal(r.standIn, false);
    const metrics = JSON.parse(await Deno.readTextFile(join(outDir, "metrics.json")));
    assert.equal(metrics.warning, undefined);
    assert.equal(metrics.standIn, undefined);
    assert.equal(metrics.data.source, data);
    // 5 files × 12 records, 20 % of them held out for validation.
    assert.equal(metrics.data.train + metrics.data.validation, 60);
    assert.equal(metrics.data.test, 250);
    // Without --limit the quick run asks for 500 training images, more than the files hold.
    await assert.rejects(
      () =>
        runCifarTask(cnnTask, ["--quick", "--device", "cpu", "--data-dir", data, "--out", outDir]),
      /holds? 60 records, fewer than the 500 asked for/,
    );
  });
});
