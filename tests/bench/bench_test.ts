/**
 * `deno task bench` end to end on a tiny run (W1, 0.2 s per repeat) on the CPU and on WebGPU:
 * the JSON has the machine, device label, rates, per-step counters and memory fields, the
 * markdown table is written, and a steady-state WebGPU step submits once, creates no buffers or
 * pipelines and reads nothing back (its readback step reads exactly once). Plus the ratio logic.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  compare,
  type ComparisonRow,
  renderMarkdown,
  summarizeRounds,
} from "../../bench/report_md.ts";
import type { CaseRecord } from "../../bench/run_one.ts";
import { gpuTest } from "../kernels/webgpu/gpu_available.ts";

const bench = fileURLToPath(new URL("../../bench/bench.ts", import.meta.url));
const COUNTERS = [
  "dispatches",
  "submits",
  "bufferCreations",
  "bytesUploaded",
  "readbacks",
  "pipelineCreations",
  "bindGroupCreations",
];

/** Runs the bench CLI into a temp dir; returns the parsed JSON and the markdown. */
async function run(device: string) {
  const dir = await Deno.makeTempDir();
  const out = `${dir}/results.json`;
  const r = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      bench,
      "--device",
      device,
      "--seconds",
      "0.2",
      "--only",
      "W1",
      "--out",
      out,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
  const json = JSON.parse(await Deno.readTextFile(out));
  const md = await Deno.readTextFile(`${dir}/results.md`);
  await Deno.remove(dir, { recursive: true });
  return { json, md };
}

function checkCommon(json: Record<string, unknown>, md: string): CaseRecord {
  for (const k of ["date", "command", "machine", "device", "ours", "peers", "comparison"]) {
    assert.ok(k in json, `results.json lacks ${k}`);
  }
  const m = json.machine as Record<string, unknown>;
  for (const k of ["cpu", "cores", "os", "deno"]) assert.ok(m[k], `machine.${k}`);
  assert.match(String(json.command), /--only W1/);
  const ours = json.ours as CaseRecord[];
  assert.equal(ours.length, 1);
  const w1 = ours[0];
  assert.equal(w1.name, "W1");
  assert.ok(w1.median > 0 && w1.min <= w1.median && w1.median <= w1.max, JSON.stringify(w1));
  for (const k of COUNTERS) {
    for (const c of [w1.perStep, w1.perReadbackStep, w1.perStepAverage]) {
      assert.equal(typeof c[k as keyof typeof c], "number", `counter ${k}`);
    }
  }
  assert.equal(w1.liveTensorsGrowth, 0, "a training step leaks no tensors");
  if (Deno.build.os === "linux") {
    assert.ok(w1.memory.peakRssMiB! > 0, "peak RSS from /proc/self/status");
    assert.equal(typeof w1.memory.rssGrowthMiB, "number");
  }
  // deno fmt pads the table's columns.
  assert.match(md, /\| W1 +\| samples\/s +\|/);
  return w1;
}

Deno.test("bench: tiny CPU run writes results.json and results.md", async () => {
  const { json, md } = await run("cpu");
  const w1 = checkCommon(json, md);
  assert.equal(json.device.name, "cpu");
  assert.equal(w1.perStep.readbacks, 0);
  assert.equal(w1.perReadbackStep.readbacks, 1);
});

await gpuTest(
  "bench: tiny WebGPU run, steady-state step is 1 submit, 0 buffers, 0 readbacks",
  async () => {
    const { json, md } = await run("webgpu");
    const w1 = checkCommon(json, md);
    assert.equal(json.device.name, "webgpu");
    assert.ok(json.device.adapter?.description !== undefined, "adapter info recorded");
    assert.equal(typeof json.device.adapter.vendor, "string");
    assert.ok(json.device.limits.maxStorageBufferBindingSize > 0, "limits recorded");
    assert.ok(Array.isArray(json.device.features) && Array.isArray(json.device.adapterFeatures));
    assert.match(md, /WebGPU limits \(ours\): maxBufferSize \d+/);
    // Our dispatches per step, in the comparison table and in the counters table alike.
    assert.match(
      md,
      new RegExp(`\\| W1 +\\| samples/s +\\| \\S+ +\\| ${w1.perStep.dispatches} +\\|`),
    );
    if (json.device.software) assert.match(md, /software rasteriser: not GPU speed/);
    const s = w1.perStep;
    assert.equal(s.submits, 1, JSON.stringify(s));
    assert.equal(s.bufferCreations, 0, JSON.stringify(s));
    assert.equal(s.readbacks, 0, JSON.stringify(s));
    assert.equal(s.pipelineCreations, 0, JSON.stringify(s));
    assert.ok(s.dispatches > 5, JSON.stringify(s));
    assert.equal(w1.perReadbackStep.readbacks, 1);
    assert.equal(w1.perReadbackStep.bufferCreations, 0);
  },
);

/** A report around `comparison`, with placeholder machine facts, for renderMarkdown. */
function reportOf(comparison: ComparisonRow[]) {
  return {
    date: "d",
    command: "c",
    machine: { cpu: "x", cores: 1, os: "o", deno: "2", v8: "v" },
    secondsPerRepeat: 1,
    ours: [],
    comparison,
    peerThreads: 1,
  };
}

Deno.test("bench: comparison gives ours/peer ratios and keeps peer errors", () => {
  const ours = [{ name: "W1", unit: "samples/s", median: 50 }] as unknown as CaseRecord[];
  const rows = compare(ours, [
    { peer: "torch", workload: "W1", unit: "samples/s", median: 100 },
    { peer: "tfjs-wasm", workload: "W1", error: "Kernel 'X' not registered" },
    { peer: "tfjs-cpu", error: "the cpu backend did not initialise" },
  ]);
  assert.equal(rows[0].peers.torch.ratio, 0.5);
  assert.match(rows[0].peers["tfjs-wasm"].error!, /not registered/);
  assert.match(rows[0].peers["tfjs-cpu"].error!, /did not initialise/);
  const md = renderMarkdown(reportOf(rows));
  // No counters in this record: the dispatches column says so.
  assert.match(md, /\| W1 \| samples\/s \| 50\.0 \| — \| 100 \| 0\.50 \|/);
});

Deno.test("bench: --rounds keeps every round's ratio, its lower median and range", () => {
  const ours = (v: number) =>
    [{ name: "W3", unit: "samples/s", median: v }] as unknown as CaseRecord[];
  const round = (mine: number, torch?: number) =>
    compare(ours(mine), [
      torch === undefined
        ? { peer: "torch", workload: "W3", error: "timed out" }
        : { peer: "torch", workload: "W3", unit: "samples/s", median: torch },
    ]);
  const spread = summarizeRounds([
    round(69, 100),
    round(50, 100),
    round(1, undefined),
    round(60, 100),
  ]);
  const t = spread[0].peers.torch;
  assert.equal(spread[0].workload, "W3");
  assert.deepEqual(t.ratios, [0.69, 0.5, 0.6]); // the round whose peer failed has no ratio
  assert.equal(t.median, 0.6);
  assert.equal(t.min, 0.5);
  assert.equal(t.max, 0.69);
  // An even count takes the lower of the two middle ratios.
  assert.equal(summarizeRounds([round(50, 100), round(70, 100)])[0].peers.torch.median, 0.5);
  const md = renderMarkdown({ ...reportOf(round(69, 100)), ratioRounds: spread });
  assert.match(md, /each of 3 rounds/);
  assert.match(md, /\| W3 \| 0\.60 \[0\.50–0\.69\] \(0\.69, 0\.50, 0\.60\) \|/);
});
