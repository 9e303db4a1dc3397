/**
 * The comparison of ours against each peer (ratios ours/peer) and its markdown rendering, written
 * next to bench/results.json as bench/results.md and printed at the end of `deno task bench`.
 */
import type { PeerRecord } from "./peers_run.ts";
import type { CaseRecord } from "./run_one.ts";
import type { DeviceLabel } from "./device_label.ts";
import type { MachineInfo } from "./machine.ts";

/** Our record of a case, or why it has none. */
export type OursRecord = CaseRecord | { name: string; error: string };

/** One row of the comparison: our rate and each peer's, with ours/peer. */
export interface ComparisonRow {
  workload: string;
  unit: string;
  ours?: number;
  /** Our kernel dispatches in one steady-state step (WebGPU: each costs host time). */
  dispatches?: number;
  /** Peak RSS of our case's own process. */
  peakRssMiB?: number;
  peers: Record<string, PeerCell>;
}

/** A peer's rate on one workload and ours/peer, its process's peak RSS, or why it has none. */
export interface PeerCell {
  value?: number;
  ratio?: number;
  peakRssMiB?: number;
  error?: string;
  skipped?: boolean;
}

/** Ours against every peer that ran, per case that has a peer (not conv). */
export function compare(ours: OursRecord[], peers: PeerRecord[]): ComparisonRow[] {
  const names = [...new Set(peers.map((p) => p.peer))];
  const rows: ComparisonRow[] = [];
  for (const o of ours) {
    const mine = "median" in o ? o.median : undefined;
    const row: ComparisonRow = {
      workload: o.name,
      unit: "unit" in o ? o.unit : "",
      ours: mine,
      dispatches: "perStep" in o ? o.perStep.dispatches : undefined,
      peakRssMiB: "memory" in o ? o.memory.peakRssMiB : undefined,
      peers: {},
    };
    for (const name of names) {
      const p = peers.find((r) => r.peer === name && r.workload === o.name) ??
        peers.find((r) => r.peer === name && r.workload === undefined);
      if (!p) continue;
      const rss = typeof p.peakRssMiB === "number" ? { peakRssMiB: p.peakRssMiB } : {};
      row.peers[name] = p.median !== undefined
        ? { value: p.median, ratio: mine !== undefined ? mine / p.median : undefined, ...rss }
        : { error: p.error ?? "no result", ...(p.skipped ? { skipped: true } : {}) };
    }
    rows.push(row);
  }
  return rows;
}

/** ours/peer of one workload and peer over the rounds of a `--rounds N` run. */
export interface RatioSpread {
  /** One ratio per round in which both sides produced a number, in round order. */
  ratios: number[];
  median?: number;
  min?: number;
  max?: number;
}

/** Per workload and peer, the ratios of every round (rounds[i] = compare() of round i). */
export function summarizeRounds(
  rounds: ComparisonRow[][],
): { workload: string; peers: Record<string, RatioSpread> }[] {
  const workloads = [...new Set(rounds.flatMap((r) => r.map((c) => c.workload)))];
  return workloads.map((workload) => {
    const rows = rounds.map((r) => r.find((c) => c.workload === workload));
    const names = [...new Set(rows.flatMap((c) => Object.keys(c?.peers ?? {})))];
    const peers: Record<string, RatioSpread> = {};
    for (const name of names) {
      const ratios = rows.map((c) => c?.peers[name]?.ratio)
        .filter((v): v is number => v !== undefined);
      const sorted = [...ratios].sort((a, b) => a - b);
      peers[name] = {
        ratios,
        median: sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : undefined,
        min: sorted[0],
        max: sorted[sorted.length - 1],
      };
    }
    return { workload, peers };
  });
}

const num = (v: number | undefined, digits = 3) => (v === undefined ? "—" : v.toPrecision(digits));
const oneLine = (s: string) => s.replace(/\|/g, "\\|").replace(/\s+/g, " ");
const esc = (s: string) => oneLine(s).slice(0, 80);

/** Everything `renderMarkdown` needs. */
export interface ReportInput {
  date: string;
  command: string;
  machine: MachineInfo;
  device?: DeviceLabel;
  secondsPerRepeat: number;
  ours: OursRecord[];
  comparison: ComparisonRow[];
  peerThreads: number;
  /** The peers' records, for the line that says where each ran. */
  peers?: PeerRecord[];
  /** With `--rounds N` (N > 1): every round's ratios. */
  ratioRounds?: ReturnType<typeof summarizeRounds>;
}

/** bench/results.md: how it was measured, the comparison, and counters and memory per case. */
export function renderMarkdown(r: ReportInput): string {
  const dev = r.device;
  const m = r.machine;
  const lines = [
    `# Benchmark results`,
    ``,
    `Measured ${r.date} with \`${r.command}\`.`,
    ``,
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.ramGiB ?? "?"} GiB RAM, ${m.os}, Deno ${m.deno}` +
    (m.loadAverage ? `; load average at start ${m.loadAverage.join(" ")} (shared machine)` : ""),
    `- Device (ours): ${dev ? `${dev.name}: ${dev.description}` : "unknown"}` +
    (dev?.adapter ? `; adapter ${adapterText(dev.adapter)}` : "") +
    (dev?.note ? ` — **${dev.note}**` : ""),
    ...(dev?.limits ? [`- WebGPU limits (ours): ${limitsText(dev.limits)}`] : []),
    ...(dev?.features
      ? [
        `- WebGPU features: enabled ${dev.features.join(", ") || "none"}; adapter offers ` +
        `${dev.adapterFeatures?.join(", ") || "none"}`,
      ]
      : []),
    ...peerLines(r.peers ?? []),
    `- Timing: median of 3 repeats of ≥ ${r.secondsPerRepeat} s after warm-up; a training step is ` +
    `forward + backward + SGD momentum 0.9 and one flush; the loss is read back every 10 steps ` +
    `(fewer when a step is slow) and at the end of a repeat. Peers: same rule, PyTorch with ` +
    `${r.peerThreads} thread(s), TF.js single-threaded.`,
    ``,
  ];
  const peerNames = [...new Set(r.comparison.flatMap((c) => Object.keys(c.peers)))];
  const head = [
    "workload",
    "unit",
    "ours",
    "dispatches/step (ours)",
    ...peerNames.flatMap((p) => [p, `ours/${p}`]),
  ];
  lines.push(`| ${head.join(" | ")} |`, `|${head.map(() => "---|").join("")}`);
  const skipped = new Map<string, string>();
  for (const c of r.comparison) {
    const cells = peerNames.flatMap((p) => {
      const v = c.peers[p];
      if (!v) return ["—", "—"];
      if (v.skipped) {
        skipped.set(p, v.error!);
        return ["skipped", "—"];
      }
      if (v.error) return [`error: ${esc(v.error)}`, "—"];
      return [num(v.value), num(v.ratio, 2)];
    });
    const disp = c.dispatches === undefined ? "—" : String(c.dispatches);
    lines.push(`| ${[c.workload, c.unit, num(c.ours), disp, ...cells].join(" | ")} |`);
  }
  if (skipped.size) {
    lines.push(``, ...[...skipped].map(([p, why]) => `- ${p} ${why}`));
  }
  const spread = r.ratioRounds;
  if (spread) {
    const names = [...new Set(spread.flatMap((w) => Object.keys(w.peers)))];
    const rounds = Math.max(
      0,
      ...spread.flatMap((w) => Object.values(w.peers).map((p) => p.ratios.length)),
    );
    lines.push(
      ``,
      `Ratios ours/peer in each of ${rounds} rounds (a round runs every case of ours, then the ` +
        `peers; the table above is round 1). Lower median of the rounds, [min–max], then each round:`,
      ``,
      `| workload | ${names.map((n) => `ours/${n}`).join(" | ")} |`,
      `|---|${names.map(() => "---|").join("")}`,
    );
    for (const w of spread) {
      const cells = names.map((n) => {
        const p = w.peers[n];
        if (!p || p.ratios.length === 0) return "—";
        return `${num(p.median, 2)} [${num(p.min, 2)}–${num(p.max, 2)}] (${
          p.ratios.map((v) => num(v, 2)).join(", ")
        })`;
      });
      if (cells.some((c) => c !== "—")) lines.push(`| ${w.workload} | ${cells.join(" | ")} |`);
    }
  }
  lines.push(...memoryLines(r.comparison));
  lines.push(
    ``,
    `Backend counters of ours per steady-state step (one step without readback; "rb" = a step ` +
      `followed by its loss readback), and resident memory of the case's own process:`,
    ``,
    `| case | dispatches | submits (rb) | buffer creations (rb) | bytes uploaded | readbacks (rb) | ` +
      `pipeline creations | bind group creations | peak RSS MiB | RSS start→end MiB (timed steps) | ` +
      `RSS slope MiB/step | live tensors growth | split conv passes (on helper) |`,
    `|---|---|---|---|---|---|---|---|---|---|---|---|---|`,
  );
  for (const o of r.ours) {
    if (!("perStep" in o)) {
      lines.push(`| ${o.name} | error: ${esc(o.error)} ||||||||||||`);
      continue;
    }
    const s = o.perStep, rb = o.perReadbackStep, mem = o.memory;
    lines.push(
      `| ${o.name} | ${s.dispatches} | ${s.submits} (${rb.submits}) | ${s.bufferCreations} ` +
        `(${rb.bufferCreations}) | ${s.bytesUploaded} | ${s.readbacks} (${rb.readbacks}) | ` +
        `${s.pipelineCreations} | ${s.bindGroupCreations ?? 0} | ${num(mem.peakRssMiB, 4)} | ${
          num(mem.rssStartMiB, 4)
        }→` +
        `${num(mem.rssEndMiB, 4)} (${o.steps.reduce((a, b) => a + b, 0)}) | ` +
        `${num(mem.rssSlopeMiBPerStep, 2)} | ${o.liveTensorsGrowth} | ${split(o.splitPasses)} |`,
    );
  }
  return lines.join("\n") + "\n";
}

/**
 * Peak RSS of ours beside each peer that reports its own (one process per case on both sides, so
 * each peak belongs to one workload); nothing when no peer reports one.
 */
function memoryLines(rows: ComparisonRow[]): string[] {
  const names = [
    ...new Set(
      rows.flatMap((c) =>
        Object.entries(c.peers).filter(([, v]) => v.peakRssMiB !== undefined).map(([n]) => n)
      ),
    ),
  ];
  if (!names.length) return [];
  const lines = [
    ``,
    `Peak RSS of each case's own process, MiB (round 1), ours beside the peers':`,
    ``,
    `| workload | ours | ${names.flatMap((n) => [n, `ours/${n}`]).join(" | ")} |`,
    `|---|---|${names.map(() => "---|---|").join("")}`,
  ];
  for (const c of rows) {
    const cells = names.flatMap((n) => {
      const p = c.peers[n]?.peakRssMiB;
      const ratio = p !== undefined && c.peakRssMiB !== undefined ? c.peakRssMiB / p : undefined;
      return [num(p, 4), num(ratio, 2)];
    });
    if (c.peakRssMiB !== undefined || cells.some((x) => x !== "—")) {
      lines.push(`| ${c.workload} | ${num(c.peakRssMiB, 4)} | ${cells.join(" | ")} |`);
    }
  }
  return lines;
}

/** `"llvmpipe (…)", vendor 65541, architecture …, device 0, isFallbackAdapter true`. */
function adapterText(a: NonNullable<DeviceLabel["adapter"]>): string {
  const parts = [`"${a.description}"`, `vendor ${a.vendor || "?"}`];
  if (a.architecture) parts.push(`architecture ${a.architecture}`);
  if (a.device) parts.push(`device ${a.device}`);
  return [...parts, `isFallbackAdapter ${a.isFallbackAdapter}`].join(", ");
}

/** The limits that bound our kernels; results.json has them all. */
const KEY_LIMITS = [
  "maxBufferSize",
  "maxStorageBufferBindingSize",
  "maxComputeWorkgroupStorageSize",
  "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupSizeX",
  "maxComputeWorkgroupsPerDimension",
  "maxStorageBuffersPerShaderStage",
];

function limitsText(limits: Record<string, number>): string {
  return KEY_LIMITS.filter((k) => k in limits).map((k) => `${k} ${limits[k]}`).join(", ") +
    " (all in results.json)";
}

/** One line saying where each peer ran (its first record), e.g. PyTorch's CUDA device. */
function peerLines(peers: PeerRecord[]): string[] {
  const seen = new Map<string, PeerRecord>();
  for (const p of peers) if (!seen.has(p.peer)) seen.set(p.peer, p);
  if (seen.size === 0) return [];
  const texts = [...seen.values()].map((p) => {
    const f: string[] = [];
    if (p.version) f.push(`version ${p.version}`);
    if (p.device) f.push(`on ${p.device}`);
    if (p.deviceName) f.push(String(p.deviceName));
    if (p.cuda) f.push(`CUDA ${p.cuda}`);
    if (p.computeCapability) f.push(`compute capability ${p.computeCapability}`);
    if (p.tf32 === false) f.push("TF32 off");
    if (p.threads !== undefined && p.device !== "cuda") f.push(`${p.threads} thread(s)`);
    if (p.adapter) f.push(`adapter "${p.adapter}"`);
    if (p.deviceNote) f.push(String(p.deviceNote));
    if (p.skipped) f.push("skipped (see below the table)");
    // In full here (table cells cut errors at 80 characters): it says what to do.
    else if (p.median === undefined && p.error) f.push(`error: ${oneLine(String(p.error))}`);
    return `${p.peer}: ${f.join(", ")}`;
  });
  return [`- Peers: ${texts.join("; ")}`];
}

/** "4 (4)": split passes per step and how many the helper thread took; "—" without any. */
function split(p: { perStep: number; onHelperPerStep: number } | undefined): string {
  return p && p.perStep > 0 ? `${num(p.perStep, 3)} (${num(p.onHelperPerStep, 3)})` : "—";
}
