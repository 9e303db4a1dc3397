/**
 * Every command-line entry point (issue 15.4): each `deno task` in deno.json and each script in
 * bench/ and tools/ that reads flags runs as a subprocess with an unknown flag (the message and
 * its usage, exit 2, no stack trace) and with `--help` (the usage, exit 0). No module parses
 * flags with node:util's parseArgs itself: they all go through experiment/flags.ts.
 */
import assert from "node:assert/strict";
import { join } from "node:path";

const root = new URL("../../", import.meta.url).pathname;

/** The script each deno.json task runs; `test` forwards its arguments to `deno test`. */
function taskScripts(): string[] {
  const tasks = JSON.parse(Deno.readTextFileSync(join(root, "deno.json"))).tasks as Record<
    string,
    string
  >;
  return Object.entries(tasks).flatMap(([name, cmd]) => {
    const m = /^deno run -A (\S+\.ts)$/.exec(cmd);
    return m && name !== "test" ? [m[1]] : [];
  });
}

/** Scripts under `dir` that read Deno.args and are not forwarding them to another program. */
function flagScripts(dir: string): string[] {
  return [...Deno.readDirSync(join(root, dir))]
    .filter((e) => e.isFile && e.name.endsWith(".ts"))
    .map((e) => `${dir}/${e.name}`)
    .filter((f) =>
      f !== "tools/test.ts" && /cliFlags\(/.test(Deno.readTextFileSync(join(root, f)))
    );
}

const ENTRY_POINTS = [
  ...new Set([...taskScripts(), ...flagScripts("bench"), ...flagScripts("tools")]),
]
  .sort();

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(script: string, args: string[]): Promise<Outcome> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, ...args],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

/** Runs `f` over `items`, at most `width` at a time (each is a whole Deno process). */
async function pool<T, R>(items: T[], width: number, f: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]);
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return out;
}

Deno.test("the entry points found include the tasks, bench, profile, reproduce and tools", () => {
  for (
    const f of [
      "tasks/reproduce.ts",
      "tasks/mnist_cnn.ts",
      "bench/bench.ts",
      "bench/profile_ops.ts",
      "bench/memory_epoch.ts",
      "bench/ops_micro.ts",
      "bench/blas_micro.ts",
      "bench/split_ab.ts",
      "tools/build_wasm.ts",
    ]
  ) assert.ok(ENTRY_POINTS.includes(f), `${f} missing from ${ENTRY_POINTS.join(", ")}`);
});

Deno.test("no module parses flags with node:util's parseArgs but experiment/flags.ts", () => {
  const offenders: string[] = [];
  const walk = (dir: string) => {
    for (const e of Deno.readDirSync(join(root, dir))) {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory && !["results", "node_modules", ".git"].includes(e.name)) walk(path);
      else if (e.isFile && e.name.endsWith(".ts") && path !== "experiment/flags.ts") {
        if (/\bparseArgs\b[^\n]*from "node:util"/.test(Deno.readTextFileSync(join(root, path)))) {
          offenders.push(path);
        }
      }
    }
  };
  for (const d of ["tasks", "bench", "tools", "experiment", "train", "datasets", "io"]) walk(d);
  assert.deepEqual(offenders, [], "parse flags with parseFlags/cliFlags (experiment/) instead");
});

Deno.test("every entry point: an unknown flag prints the usage and exits 2; --help exits 0", async () => {
  const results = await pool(ENTRY_POINTS, 3, async (f) => ({
    f,
    bogus: await run(f, ["--bogus"]),
    help: await run(f, ["--help"]),
  }));
  // Every failing entry point in one message.
  const failures = results.flatMap(({ f, bogus, help }) => {
    const bad: string[] = [];
    if (bogus.code !== 2) bad.push(`--bogus exits ${bogus.code}`);
    if (!/^error: unknown flag --bogus\n\n/.test(bogus.stderr)) bad.push("no unknown-flag line");
    if (!/^deno (task|run -A) \S+.* \[flags\]$/m.test(bogus.stderr)) bad.push("no usage");
    if (/^\s+at /m.test(bogus.stderr + help.stderr)) bad.push("a stack trace");
    if (help.code !== 0) bad.push(`--help exits ${help.code}`);
    if (!/^Flags:\n[\s\S]*^ {2}--help +this text$/m.test(help.stdout)) bad.push("--help: no flags");
    // A task's usage says what --quick does and where its results go.
    if (f.startsWith("tasks/") && f !== "tasks/reproduce.ts") {
      if (!/^--quick: \S/m.test(help.stdout)) bad.push("--help: no --quick line");
      if (!/^ {2}--out TEXT .*; default (under )?results\//m.test(help.stdout)) {
        bad.push("--help: no --out default");
      }
      // Every task has --epochs and --batch-size; each says its default (or that none applies).
      for (const flag of ["epochs", "batch-size"]) {
        const line = help.stdout.match(new RegExp(`^ {2}--${flag} N .*$`, "m"))?.[0];
        if (line && !/; default \S/.test(line)) bad.push(`--help: no --${flag} default`);
      }
    }
    return bad.length ? [`${f}: ${bad.join(", ")}\n${bogus.stderr}${help.stderr}`] : [];
  });
  assert.deepEqual(failures, []);
});

Deno.test("reproduce and bench --help show each flag's default", async () => {
  const r = await run("tasks/reproduce.ts", ["--help"]);
  assert.match(r.stdout, /--device V .*; default cpu$/m);
  assert.match(r.stdout, /--seed N .*; default 1$/m);
  assert.match(r.stdout, /--out TEXT .*; default results$/m);
  const b = await run("bench/bench.ts", ["--help"]);
  assert.match(b.stdout, /--seconds N .*; default 3$/m);
  assert.match(b.stdout, /--peer-device V .*; default auto$/m);
  const bad = await run("tasks/reproduce.ts", ["--seed", "-1"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^error: --seed must be an integer ≥ 0, got "-1"/);
});
