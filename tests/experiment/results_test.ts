import assert from "node:assert/strict";
import { join } from "node:path";
import { writeFileAtomic } from "../../train/atomic_write.ts";
import { confusionCsv, historyCsv, toJson, writeResults } from "../../experiment/results.ts";
import type { EpochRecord } from "../../train/history.ts";

const history: EpochRecord[] = [
  { epoch: 1, loss: 0.5, acc: 0.8, valLoss: 0.4, valAcc: 0.85, seconds: 2, samplesPerSecond: 100 },
  { epoch: 2, loss: 0.25, acc: NaN, seconds: 2.5, samplesPerSecond: 110.5 },
  {
    epoch: 3,
    loss: Infinity,
    acc: 0.9,
    valLoss: 0.3,
    valAcc: 0.9,
    seconds: 2,
    samplesPerSecond: 90,
  },
];

Deno.test("history.csv: exact header and rows, NaN/Infinity/missing as empty cells", () => {
  assert.equal(
    historyCsv(history),
    "epoch,loss,acc,valLoss,valAcc,seconds,samplesPerSecond\n" +
      "1,0.5,0.8,0.4,0.85,2,100\n" +
      "2,0.25,,,,2.5,110.5\n" +
      "3,,0.9,0.3,0.9,2,90\n",
  );
  assert.equal(historyCsv([]), "epoch,loss,acc,valLoss,valAcc,seconds,samplesPerSecond\n");
});

Deno.test("confusion.csv: class-name header, indices by default, quoting", () => {
  assert.equal(confusionCsv([[1, 0], [2, 3]], ["a", "b"]), "true\\predicted,a,b\na,1,0\nb,2,3\n");
  assert.equal(confusionCsv([[5, 0], [0, 7]]), "true\\predicted,0,1\n0,5,0\n1,0,7\n");
  assert.equal(
    confusionCsv([[1]], ['T-shirt, "top"']),
    'true\\predicted,"T-shirt, ""top"""\n"T-shirt, ""top""",1\n',
  );
  assert.throws(() => confusionCsv([[1, 0], [0, 1]], ["a"]), /1 class names for 2 classes/);
});

Deno.test("metrics.json: NaN/Infinity become null, typed arrays become arrays", () => {
  assert.deepEqual(JSON.parse(toJson({ a: NaN, b: [Infinity, 1, -Infinity] })), {
    a: null,
    b: [null, 1, null],
  });
  assert.deepEqual(JSON.parse(toJson({ p: new Float64Array([0.5, NaN]), n: 3n })), {
    p: [0.5, null],
    n: 3,
  });
  assert.equal(toJson({ x: 1 }), '{\n  "x": 1\n}\n');
});

Deno.test("writeFileAtomic: right content, no temp file left, parents created", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const p = join(dir, "a", "b", "f.txt");
    await writeFileAtomic(p, "first");
    await writeFileAtomic(p, "second, longer content");
    assert.equal(await Deno.readTextFile(p), "second, longer content");
    await writeFileAtomic(p, new Uint8Array([1, 2, 3]));
    assert.deepEqual([...await Deno.readFile(p)], [1, 2, 3]);
    assert.deepEqual([...Deno.readDirSync(join(dir, "a", "b"))].map((e) => e.name), ["f.txt"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeFileAtomic: a failed write keeps the old file and cleans up", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const p = join(dir, "target");
    await writeFileAtomic(p, "old");
    // Renaming a file onto a non-empty directory fails after the temp file was written.
    const blocker = join(dir, "blocker");
    await Deno.mkdir(join(blocker, "inside"), { recursive: true });
    await assert.rejects(() => writeFileAtomic(blocker, "new"));
    assert.equal(await Deno.readTextFile(p), "old");
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(names, ["blocker", "target"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeResults writes every file and returns the paths", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = join(dir, "task");
    const files = await writeResults(out, {
      metrics: { x: 1, acc: NaN },
      history,
      confusion: [[1, 0], [2, 3]],
      classNames: ["a", "b"],
      extraFiles: { "filters.svg": "<svg/>", "sub/raw.bin": new Uint8Array([9]) },
    });
    assert.deepEqual(
      files,
      [
        "metrics.json",
        "history.csv",
        "curves.svg",
        "confusion.csv",
        "filters.svg",
        "sub/raw.bin",
        "manifest.json",
      ].map((f) => join(out, f)),
    );
    const names = [...Deno.readDirSync(out)].map((e) => e.name).sort();
    assert.deepEqual(names, [
      "confusion.csv",
      "curves.svg",
      "filters.svg",
      "history.csv",
      "manifest.json",
      "metrics.json",
      "sub",
    ]);
    assert.deepEqual(JSON.parse(await Deno.readTextFile(join(out, "metrics.json"))), {
      x: 1,
      acc: null,
    });
    assert.equal(await Deno.readTextFile(join(out, "history.csv")), historyCsv(history));
    assert.equal(
      await Deno.readTextFile(join(out, "confusion.csv")),
      "true\\predicted,a,b\na,1,0\nb,2,3\n",
    );
    assert.deepEqual([...await Deno.readFile(join(out, "sub/raw.bin"))], [9]);
    const svg = await Deno.readTextFile(join(out, "curves.svg"));
    assert.ok(svg.startsWith("<svg") && svg.includes("validation") && !/="[^"]*NaN/.test(svg));
    assert.equal((svg.match(/<svg/g) ?? []).length, (svg.match(/<\/svg>/g) ?? []).length);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeResults: no confusion.csv without a matrix; extra files stay inside", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const files = await writeResults(dir, { metrics: {}, history: [] });
    assert.equal(files.length, 4);
    await assert.rejects(
      () => writeResults(dir, { metrics: {}, history: [], extraFiles: { "../x": "" } }),
      /not inside the results folder/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeFileAtomic: a killed writer's temporary file beside the target is removed", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const stale = join(dir, ".model.ckpt.99999999.0badc0de.tmp");
    await Deno.writeTextFile(stale, "half a checkpoint");
    await writeFileAtomic(join(dir, "other.json"), "{}");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["other.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
