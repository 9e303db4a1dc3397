import assert from "node:assert/strict";
import { join } from "node:path";
import { MANIFEST, readManifest, writeResultSet } from "../../experiment/result_set.ts";
import { removeStaleTemps } from "../../train/atomic_write.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "result_set_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const names = (dir: string) => [...Deno.readDirSync(dir)].map((e) => e.name).sort();

Deno.test("writeResultSet: files and a manifest (sizes, SHA-256) written last", async () => {
  await withDir(async (dir) => {
    const paths = await writeResultSet(dir, [["metrics.json", "{}\n"], ["sub/a.csv", "x\n"]]);
    assert.deepEqual(paths, [
      join(dir, "metrics.json"),
      join(dir, "sub/a.csv"),
      join(dir, MANIFEST),
    ]);
    const m = await readManifest(dir);
    assert.deepEqual(m.files.map((f) => [f.name, f.bytes]), [["metrics.json", 3], [
      "sub/a.csv",
      2,
    ]]);
    assert.match(m.files[0].sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual(names(dir), [MANIFEST, "metrics.json", "sub"]);
  });
});

Deno.test("readManifest: a changed file or a missing manifest is an incomplete set", async () => {
  await withDir(async (dir) => {
    await writeResultSet(dir, [["metrics.json", "{}\n"], ["history.csv", "epoch\n"]]);
    await Deno.writeTextFile(join(dir, "history.csv"), "epoch\n1\n");
    await assert.rejects(() => readManifest(dir), /history\.csv is missing or differs/);
    await Deno.remove(join(dir, MANIFEST));
    await assert.rejects(() => readManifest(dir), /results set is incomplete/);
  });
});

Deno.test("writeResultSet: a write that fails before the renames leaves the old set whole", async () => {
  await withDir(async (dir) => {
    await writeResultSet(dir, [["metrics.json", "old\n"], ["history.csv", "old\n"]]);
    // "metrics.json/x" needs a folder where a file is: nothing may change.
    await assert.rejects(() =>
      writeResultSet(dir, [["history.csv", "new\n"], ["metrics.json/x", "new\n"]])
    );
    assert.equal(await Deno.readTextFile(join(dir, "history.csv")), "old\n");
    assert.deepEqual((await readManifest(dir)).files.map((f) => f.name), [
      "metrics.json",
      "history.csv",
    ]);
  });
});

Deno.test("writeResultSet: interrupted among the renames, the folder has no manifest over a mix", async () => {
  await withDir(async (dir) => {
    await writeResultSet(dir, [["metrics.json", "old\n"], ["history.csv", "old\n"]]);
    // A non-empty folder where the second file goes: its rename fails after the first's.
    await Deno.mkdir(join(dir, "blocked", "x"), { recursive: true });
    await assert.rejects(() =>
      writeResultSet(dir, [["metrics.json", "new\n"], ["blocked", "new\n"]])
    );
    assert.equal(await Deno.readTextFile(join(dir, "metrics.json")), "new\n");
    await assert.rejects(() => readManifest(dir), /incomplete/);
    assert.ok(!names(dir).some((n) => n.endsWith(".tmp")), names(dir).join(","));
    // The next complete write makes a whole set again.
    await writeResultSet(dir, [["metrics.json", "next\n"]]);
    assert.deepEqual((await readManifest(dir)).files.map((f) => f.name), ["metrics.json"]);
  });
});

Deno.test("stale .tmp files of killed writers are removed on the next write; live ones stay", async () => {
  await withDir(async (dir) => {
    // A pid no process has (above Linux's pid_max), and this process's own pid.
    const dead = join(dir, ".metrics.json.99999999.0badc0de.tmp");
    const live = join(dir, `.history.csv.${Deno.pid}.0badc0de.tmp`);
    const other = join(dir, ".notes.tmp");
    for (const p of [dead, live, other]) await Deno.writeTextFile(p, "half");
    await writeResultSet(dir, [["metrics.json", "{}\n"]]);
    const left = names(dir);
    assert.ok(!left.includes(".metrics.json.99999999.0badc0de.tmp"), left.join(","));
    assert.ok(left.includes(`.history.csv.${Deno.pid}.0badc0de.tmp`));
    assert.ok(left.includes(".notes.tmp"), "only writeFileAtomic's names are touched");
    assert.deepEqual(await removeStaleTemps(join(dir, "absent")), []);
  });
});
