/**
 * `deno task reproduce [--full] [--only a,b] [--device cpu] [--seed 1] [--out results]`: runs
 * every task's quick version (or, with --full, its full recipe where one is defined), checks each
 * number against its threshold, writes `results/REPRODUCTION.md` (quick; full:
 * `results/REPRODUCTION-full.md`) and the same rows as JSON,
 * and exits non-zero when a check fails. Stand-in data is reported as "not reproduced", never as
 * a pass.
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import type { DeviceName } from "../kernels/device.ts";
import { writeFileAtomic } from "../train/atomic_write.ts";
import type { Reproduction, ReproductionRow } from "./reproduce_types.ts";
import { REPRODUCTIONS } from "./reproductions.ts";
import { cifar10OrStandIn } from "../datasets/cifar10_standin.ts";

/** The Markdown table of `rows`, with the machine and command that produced them. */
export function reproductionMarkdown(
  rows: ReproductionRow[],
  meta: { date: string; command: string; machine: string; mode: string },
): string {
  const esc = (s: string) => s.replaceAll("|", "\\|").replaceAll("\n", " ");
  const lines = [
    `# Reproduction (${meta.mode})`,
    "",
    `Produced by \`${meta.command}\` on ${meta.date}, ${meta.machine}.`,
    "",
    "| task | check | reported | ours | tolerance | status | device | wall s | command |",
    "|---|---|---|---|---|---|---|---|---|",
    ...rows.map((r) =>
      `| ${
        [
          r.task,
          r.check,
          r.reported,
          r.ours,
          r.tolerance,
          r.status === "pass" ? "pass" : r.status === "fail" ? "**FAIL**" : r.status,
          r.device,
          r.wallSeconds.toFixed(1),
          `\`${r.command}\``,
        ].map(esc).join(" | ")
      } |`
    ),
    "",
    `${rows.filter((r) => r.status === "pass").length} pass, ` +
    `${rows.filter((r) => r.status === "fail").length} fail, ` +
    `${rows.filter((r) => r.status.startsWith("not")).length} not reproduced.`,
    "",
  ];
  return lines.join("\n");
}

/** CPU model and core count, for the table's header. */
export function machineDescription(): string {
  let cpu = "unknown CPU";
  try {
    const info = Deno.readTextFileSync("/proc/cpuinfo");
    cpu = /model name\s*:\s*(.+)/.exec(info)?.[1]?.trim() ?? cpu;
  } catch {
    // Not Linux: the OS name is still something.
  }
  return `${cpu}, ${navigator.hardwareConcurrency} cores, ${Deno.build.os}`;
}

/** Why `dataset` cannot be had (undefined when it can): looks where the tasks look. */
export type DataProbe = (dataset: "cifar10") => Promise<string | undefined>;

/** The real probe: $CIFAR10_DIR, the cache, then a download, as the CIFAR-10 tasks do. */
const probeData: DataProbe = async () => {
  const probe = await cifar10OrStandIn({ limit: 1, limitTest: 1 });
  probe.train.x.dispose();
  probe.test.x.dispose();
  return probe.standIn ? probe.reason ?? "CIFAR-10 not found" : undefined;
};

/** Each dataset some of `chosen` need for a full run and that cannot be had, with the reason. */
async function absentData(chosen: Reproduction[], probe: DataProbe): Promise<Map<string, string>> {
  const absent = new Map<string, string>();
  for (const d of new Set(chosen.flatMap((r) => (r.requires ? [r.requires] : [])))) {
    const why = await probe(d);
    if (why !== undefined) absent.set(d, why);
  }
  return absent;
}

/** The row of a full run skipped because its data is absent. */
function skippedFullRun(r: Reproduction, reason: string, device: string): ReproductionRow {
  return {
    task: r.task,
    check: "full run",
    reported: "see EXERCISES.md",
    ours: `not run: ${reason.split("\n")[0]}`,
    tolerance: "—",
    status: "not reproduced: data absent",
    device,
    wallSeconds: 0,
    command: `deno task ${r.task}`,
  };
}

/**
 * Runs `list` as the command line `args` asks and writes the table; returns the exit code
 * (1 when any check failed). Example: `Deno.exit(await reproduce(REPRODUCTIONS, Deno.args))`.
 */
export async function reproduce(
  list: Reproduction[],
  args: string[],
  probe: DataProbe = probeData,
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      full: { type: "boolean", default: false },
      only: { type: "string" },
      device: { type: "string", default: "cpu" },
      seed: { type: "string", default: "1" },
      out: { type: "string", default: "results" },
    },
    strict: true,
  });
  const only = values.only?.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = only?.filter((t) => !list.some((r) => r.task === t)) ?? [];
  if (unknown.length) {
    console.error(
      `reproduce: unknown task(s) ${unknown.join(", ")}; known: ` +
        list.map((r) => r.task).join(", "),
    );
    return 2;
  }
  const chosen: Reproduction[] = list.filter((r) => !only || only.includes(r.task));
  const mode = values.full ? "full" : "quick";
  const rows: ReproductionRow[] = [];
  const absent = values.full ? await absentData(chosen, probe) : new Map<string, string>();
  for (const r of chosen) {
    const run = values.full ? r.runFull : r.runQuick;
    if (!run) continue;
    if (r.requires && absent.has(r.requires)) {
      rows.push(skippedFullRun(r, absent.get(r.requires)!, String(values.device)));
      continue;
    }
    const outDir = join(values.out, mode === "full" ? r.task : join("quick", r.task));
    try {
      rows.push(
        ...await run({
          outDir,
          device: values.device as DeviceName,
          seed: Number(values.seed),
        }),
      );
    } catch (e) {
      // A crash is a failed check, recorded with its message, and the other tasks still run.
      rows.push({
        task: r.task,
        check: "runs to completion",
        reported: "—",
        ours: `error: ${(e as Error).message}`,
        tolerance: "no error",
        status: "fail",
        device: String(values.device),
        wallSeconds: 0,
        command: `deno task ${r.task}${mode === "quick" ? " --quick" : ""}`,
      });
    }
  }
  const meta = {
    date: new Date().toISOString().slice(0, 10),
    command: `deno task reproduce ${args.join(" ")}`.trim(),
    machine: machineDescription(),
    mode,
  };
  const name = mode === "full" ? "REPRODUCTION-full.md" : "REPRODUCTION.md";
  await Deno.mkdir(values.out, { recursive: true });
  await writeFileAtomic(join(values.out, name), reproductionMarkdown(rows, meta));
  await writeFileAtomic(
    join(values.out, `reproduction-${mode}.json`),
    JSON.stringify({ ...meta, rows }, null, 2) + "\n",
  );
  console.log(reproductionMarkdown(rows, meta));
  console.log(`wrote ${join(values.out, name)}`);
  return rows.some((r) => r.status === "fail") ? 1 : 0;
}

if (import.meta.main) Deno.exit(await reproduce(REPRODUCTIONS, Deno.args));
