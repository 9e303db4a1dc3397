/**
 * `deno task bench [--device cpu|webgpu] [--seconds S] [--only W1,matmul] [--peers] [--out FILE]`:
 * matmul 1024³ GFLOP/s, conv2d forward+backward throughput, and training samples/s of the peer
 * workloads W1–W7 (bench/workloads.ts), each in its own process (`--one NAME`) so its peak RSS is
 * its own. Per case: median of 3 timed repeats, backend counters per steady-state step, RSS at the
 * start and end of the timed steps. `--peers` runs PyTorch and TF.js (cpu, wasm, and webgpu with
 * `--device webgpu`) on the same cases; `--peer-device cpu|cuda|auto` puts PyTorch on CUDA (auto,
 * the default: when ours runs on WebGPU and torch.cuda is available). The TF.js peers load their
 * npm packages from Deno's cache only and are skipped with a note when absent, so an offline GPU
 * machine needs only the checkout and a Deno binary; `--fetch-peers` lets Deno fetch them.
 * `--peer-python PATH` is the Python with PyTorch (default /usr/bin/python3); `--peer-only
 * torch,tfjs-webgpu` runs only those peers.
 * `--min-steps N` times at least N steps per repeat (a
 * longer RSS series for the memory-growth check). `--rounds N` runs ours and the peers N times in
 * turn and adds each round's ratios (median, min–max): on a shared machine whose speed drifts, the
 * spread says how far one run's ratio can be trusted. Writes JSON (default bench/results.json)
 * and a markdown table next to it (results.md), and prints the table.
 */
import { cliFlags } from "../experiment/main.ts";
import { deviceFlag, positiveNumber } from "../experiment/flags.ts";
import { fileURLToPath } from "node:url";
import { type DeviceName, setDevice } from "../kernels/device.ts";
import { writeFileAtomic } from "../train/atomic_write.ts";
import { type DeviceLabel, deviceLabel } from "./device_label.ts";
import { machineInfo } from "./machine.ts";
import { parsePeerDevice, type PeerRecord, peerSpecs, runPeers } from "./peers_run.ts";
import { compare, type OursRecord, renderMarkdown, summarizeRounds } from "./report_md.ts";
import { type CaseRecord, CASES, runOne } from "./run_one.ts";
import { runJsonLines } from "./subprocess.ts";

const values = cliFlags(
  {
    device: deviceFlag("cpu", "where our cases run"),
    seconds: positiveNumber("timed seconds per repeat of each case", 3),
    out: {
      type: "string",
      help: "JSON report (results.md next to it)",
      default: "bench/results.json",
    },
    only: { type: "string", help: `comma-separated cases; default all (${CASES.join(",")})` },
    peers: { type: "boolean", help: "also run PyTorch and TF.js on the same cases" },
    // Internal: run one case in this process and print its record as one JSON line.
    one: { type: "string", help: "internal: run one case here, print its record as JSON" },
    "peer-timeout": { type: "integer", help: "seconds before a peer is stopped", default: 120 },
    // PyTorch's threads. Default 1: on a shared machine its OpenMP pool collapses when another
    // process holds a core (W1 measured 1.8e3 samples/s with 2 threads vs 6.9e4 with 1), which
    // measures the contention, not PyTorch. Pass --peer-threads 2 on an idle machine.
    "peer-threads": {
      type: "integer",
      help: "PyTorch's threads (2 on an idle machine)",
      default: 1,
    },
    "peer-device": {
      type: "string",
      help: "PyTorch's device (auto: CUDA when ours runs on WebGPU)",
      default: "auto",
      choices: ["auto", "cpu", "cuda"],
    },
    "fetch-peers": { type: "boolean", help: "let Deno fetch the TF.js peers' npm packages" },
    "peer-python": { type: "string", help: "the Python with PyTorch", default: "/usr/bin/python3" },
    "peer-only": { type: "string", help: "comma-separated peers to run, e.g. torch,tfjs-webgpu" },
    "case-timeout": {
      type: "integer",
      help: "seconds before one of our cases is stopped",
      default: 900,
    },
    // More timed steps per repeat, for a longer RSS series (memory growth across steps).
    "min-steps": { type: "integer", help: "timed steps per repeat at least (longer RSS series)" },
    rounds: { type: "integer", help: "runs of ours and the peers in turn", default: 1 },
  },
  Deno.args,
  {
    command: "bench",
    description: "Throughput of matmul, conv2d and the W1–W7 training workloads, ours and peers.",
  },
);
const seconds = values.seconds;
const peerDevice = parsePeerDevice(values["peer-device"]);
const peerOnly = values["peer-only"]?.split(",");
// Checks --peer-only now rather than after our cases have run.
if (values.peers) peerSpecs(values.device, { threads: 1, only: peerOnly });
const rounds = values.rounds;

if (values.one) {
  const dev = await setDevice(values.device as DeviceName);
  const minSteps = values["min-steps"];
  const record = await runOne(values.one, seconds, minSteps);
  console.log(JSON.stringify({ device: await deviceLabel(dev), record }));
  Deno.exit(0);
}

const cases = values.only?.split(",") ?? CASES;
for (const c of cases) {
  if (!CASES.includes(c)) throw new Error(`bench: unknown case "${c}"; use ${CASES.join(",")}`);
}
const date = new Date().toISOString();
const command = `deno task bench ${Deno.args.join(" ")}`.trim();
const machine = machineInfo();
const self = fileURLToPath(import.meta.url);
let device: DeviceLabel | undefined;

/** Every case of ours, each in a fresh process. */
async function runOurs(): Promise<OursRecord[]> {
  const ours: OursRecord[] = [];
  for (const c of cases) {
    console.error(`ours ${values.device} ${c} …`);
    const r = await runJsonLines(
      [
        ...[Deno.execPath(), "run", "-A", self, "--one", c, "--device", values.device],
        ...["--seconds", String(seconds)],
        ...(values["min-steps"] ? ["--min-steps", String(values["min-steps"])] : []),
      ],
      { timeoutSeconds: values["case-timeout"] },
    );
    const line = r.lines[0] as { device: DeviceLabel; record: CaseRecord } | undefined;
    if (!line) {
      ours.push({ name: c === "matmul" ? "matmul1024" : c, error: r.error ?? "no result" });
      console.error(`  error: ${r.error}`);
      continue;
    }
    device ??= line.device;
    ours.push(line.record);
    const s = line.record.perStep;
    console.error(
      `  ${line.record.median.toPrecision(3)} ${line.record.unit}; per step ${s.dispatches} ` +
        `dispatches, ${s.submits} submits, ${s.bufferCreations} buffers, ${s.readbacks} readbacks; ` +
        `peak RSS ${line.record.memory.peakRssMiB?.toFixed(0)} MiB`,
    );
  }
  return ours;
}

// Round 1 fills the main tables; later rounds only add their ratios.
const runs: { ours: OursRecord[]; peers: PeerRecord[] }[] = [];
for (let r = 0; r < rounds; r++) {
  if (rounds > 1) console.error(`round ${r + 1}/${rounds}`);
  const ours = await runOurs();
  const peers = values.peers
    ? await runPeers(values.device, cases.filter((c) => c !== "conv"), {
      seconds,
      timeoutSeconds: values["peer-timeout"],
      threads: values["peer-threads"],
      peerDevice,
      fetch: values["fetch-peers"],
      python: values["peer-python"],
      only: peerOnly,
    })
    : [];
  runs.push({ ours, peers });
}
const { ours, peers } = runs[0];
const comparison = compare(ours, peers);
const ratioRounds = rounds > 1
  ? summarizeRounds(runs.map((r) => compare(r.ours, r.peers)))
  : undefined;
const report = {
  date,
  command,
  machine,
  device: device ?? { name: values.device, description: "no case ran" },
  secondsPerRepeat: seconds,
  timing: "median of 3 repeats of ≥ secondsPerRepeat after 2 warm-up steps; a step queues " +
    "forward+backward+optimiser and flushes once; the loss is read back every readEvery steps " +
    "(10, fewer when one step exceeds a third of a repeat) and at the end of each repeat",
  peerThreads: values["peer-threads"],
  ...(values.peers ? { peerDevice } : {}),
  ours,
  peers,
  comparison,
  ...(ratioRounds ? { rounds, ratioRounds } : {}),
};
const md = renderMarkdown({ ...report, device, peerThreads: report.peerThreads, peers });
await writeFileAtomic(values.out, JSON.stringify(report, null, 2) + "\n");
const mdPath = values.out.replace(/\.json$/, "") + ".md";
await writeFileAtomic(mdPath, md);
// The results live in the repo, whose `deno task check` runs `deno fmt --check`: format them
// (markdown tables get padded columns) so a fresh run does not fail CI.
await new Deno.Command(Deno.execPath(), {
  args: ["fmt", "--quiet", values.out, mdPath],
  stdout: "null",
  stderr: "null",
}).output().catch(() => undefined);
console.log(md);
console.log(`wrote ${values.out} and ${mdPath}`);
