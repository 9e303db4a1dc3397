/**
 * `deno task reproduce`: runs every task's quick version (or with --full its full recipe), checks
 * each number against its threshold and writes `REPRODUCTION.md` (full: `REPRODUCTION-full.md`)
 * and the rows as JSON; exits 1 when a check fails, 2 for a bad command line (`--help` lists the
 * flags). Stand-in data is "not reproduced", never a pass. `--full --seeds 1-5` judges the mean
 * over seeds; `--shard i/n` runs a share of the seeds and `--merge` reads the shards' runs back.
 */
import { join } from "node:path";
import type { DeviceName } from "../kernels/device.ts";
import { deviceFlag, parseFlags } from "../experiment/flags.ts";
import { runMain, usageExit } from "../experiment/main.ts";
import { writeFileAtomic } from "../train/atomic_write.ts";
import type { Reproduction, ReproductionRow } from "./reproduce_types.ts";
import { REPRODUCTIONS } from "./reproductions.ts";
import { parseSeeds, parseShard, type Shard, shardSeeds } from "./reproduce_seeds.ts";
import { cifar10OrStandIn } from "../datasets/cifar10_standin.ts";
import { checkRow, dataAbsentRow, taskCommand } from "../experiment/checks.ts";
import { markdownTable } from "../experiment/markdown.ts";

/** The Markdown table of `rows`, with the machine and command that produced them. */
export function reproductionMarkdown(
  rows: ReproductionRow[],
  meta: { date: string; command: string; machine: string; mode: string },
): string {
  const status = (r: ReproductionRow) =>
    r.status === "pass" ? "pass" : r.status === "fail" ? "**FAIL**" : r.status;
  const count = (f: (s: string) => boolean) => rows.filter((r) => f(r.status)).length;
  return [
    `# Reproduction (${meta.mode})`,
    "",
    `Produced by \`${meta.command}\` on ${meta.date}, ${meta.machine}.`,
    "",
    markdownTable(
      "task | check | reported | ours | tolerance | status | device | wall s | command",
      rows.map((r) => [
        r.task,
        r.check,
        r.reported,
        r.ours,
        r.tolerance,
        status(r),
        r.device,
        r.wallSeconds.toFixed(1),
        `\`${r.command}\``,
      ]),
    ) +
    `\n${count((s) => s === "pass")} pass, ${count((s) => s === "fail")} fail, ` +
    `${count((s) => s.startsWith("not"))} not reproduced.`,
    "",
  ].join("\n");
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

/** The flags of `deno task reproduce`. */
export const REPRODUCE_FLAGS = {
  full: { type: "boolean", help: "run each task's full recipe instead of its quick version" },
  only: { type: "string", help: "comma-separated tasks to run; default all" },
  device: deviceFlag("cpu"),
  seed: { type: "integer", help: "seed of every run", default: 1, min: 0 },
  out: { type: "string", help: "results folder", default: "results" },
  seeds: { type: "string", help: "with --full: seeds to run and average, e.g. 1-5 or 1,3" },
  shard: { type: "string", help: "with --seeds: run the seeds at positions ≡ i (mod n), as i/n" },
  merge: { type: "boolean", help: "with --seeds: read the shards' runs back, write the table" },
} as const;

const REPRODUCE_USAGE = {
  command: "reproduce",
  description: "Runs every task's quick version (or with --full its full recipe), checks each " +
    "number against its threshold and writes REPRODUCTION.md; exits 1 when a check fails.",
};

/**
 * Runs `list` as the command line `args` asks and writes the table; returns the exit code
 * (1 when any check failed). Example: `Deno.exit(await reproduce(REPRODUCTIONS, Deno.args))`.
 */
export async function reproduce(
  list: Reproduction[],
  args: string[],
  probe: DataProbe = probeData,
): Promise<number> {
  let values;
  try {
    values = parseFlags(REPRODUCE_FLAGS, args, REPRODUCE_USAGE);
  } catch (e) {
    const code = usageExit(e);
    if (code === undefined) throw e;
    return code;
  }
  let seeds: number[] | undefined, shard: Shard | undefined;
  try {
    seeds = values.seeds === undefined ? undefined : parseSeeds(values.seeds);
    shard = values.shard === undefined ? undefined : parseShard(values.shard);
  } catch (e) {
    console.error(`reproduce: ${(e as Error).message}`);
    return 2;
  }
  if ((seeds || shard || values.merge) && !values.full) {
    console.error("reproduce: --seeds, --shard and --merge judge full recipes; add --full");
    return 2;
  }
  if ((shard || values.merge) && !seeds) {
    console.error("reproduce: --shard and --merge need the whole seed list, e.g. --seeds 1-5");
    return 2;
  }
  if (shard && values.merge) {
    console.error("reproduce: --merge reads the shards' runs; run it without --shard");
    return 2;
  }
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
  const unseeded = chosen.filter((r) => r.runFull && !r.runFullSeeds).map((r) => r.task);
  if ((shard || values.merge) && unseeded.length) {
    console.error(
      `reproduce: --shard/--merge split and merge per-seed runs, which ${unseeded.join(", ")} ` +
        `do not have; choose tasks with --only (with per-seed checks: ` +
        list.filter((r) => r.runFullSeeds).map((r) => r.task).join(", ") + ")",
    );
    return 2;
  }
  const mode = values.full ? "full" : "quick";
  const rows: ReproductionRow[] = [];
  const absent = values.full ? await absentData(chosen, probe) : new Map<string, string>();
  for (const r of chosen) {
    const run = values.full ? r.runFull : r.runQuick;
    if (!run) continue;
    if (r.requires && absent.has(r.requires)) {
      const at = {
        task: r.task,
        device: values.device,
        wallSeconds: 0,
        command: taskCommand(r.task, []),
      };
      const reason = absent.get(r.requires)!.split("\n")[0];
      rows.push(
        dataAbsentRow(at, { check: "full run", reported: "see the course exercises", reason }),
      );
      continue;
    }
    const outDir = join(values.out, mode === "full" ? r.task : join("quick", r.task));
    const o = {
      outDir,
      device: values.device as DeviceName,
      seed: seeds ? seeds[0] : values.seed,
    };
    try {
      if (seeds && r.runFullSeeds) {
        const mine = shard ? shardSeeds(seeds, shard) : seeds;
        if (mine.length) rows.push(...await r.runFullSeeds(o, mine, values.merge));
      } else {
        rows.push(...await run(o));
      }
    } catch (e) {
      // A crash is a failed check, recorded with its message, and the other tasks still run.
      const command = taskCommand(r.task, mode === "quick" ? ["--quick"] : []);
      rows.push(checkRow({ task: r.task, device: values.device, wallSeconds: 0, command }, {
        check: "runs to completion",
        reported: "—",
        ours: `error: ${(e as Error).message}`,
        tolerance: "no error",
        pass: false,
      }));
    }
  }
  const meta = {
    date: new Date().toISOString().slice(0, 10),
    command: `deno task reproduce ${args.join(" ")}`.trim(),
    machine: machineDescription(),
    mode,
  };
  const part = shard ? `-shard-${shard.index}-of-${shard.count}` : "";
  const name = mode === "full" ? `REPRODUCTION-full${part}.md` : "REPRODUCTION.md";
  await Deno.mkdir(values.out, { recursive: true });
  await writeFileAtomic(join(values.out, name), reproductionMarkdown(rows, meta));
  await writeFileAtomic(
    join(values.out, `reproduction-${mode}${part}.json`),
    JSON.stringify({ ...meta, rows }, null, 2) + "\n",
  );
  console.log(reproductionMarkdown(rows, meta));
  console.log(`wrote ${join(values.out, name)}`);
  return rows.some((r) => r.status === "fail") ? 1 : 0;
}

if (import.meta.main) {
  await runMain(async () => Deno.exit(await reproduce(REPRODUCTIONS, Deno.args)));
}
