import assert from "node:assert/strict";
import { historyCsv, toJson, writeResults } from "../../train/results.ts";
import type { EpochRecord } from "../../train/history.ts";

const history: EpochRecord[] = [
  { epoch: 1, loss: 0.5, acc: 0.8, valLoss: 0.4, valAcc: 0.85, seconds: 2, samplesPerSecond: 100 },
  { epoch: 2, loss: 0.25, acc: NaN, seconds: 2, samplesPerSecond: 110 },
];

Deno.test("history.csv: header and rows, NaN and missing as empty cells", () => {
  assert.equal(
    historyCsv(history),
    "epoch,loss,acc,valLoss,valAcc,seconds,samplesPerSecond\n1,0.5,0.8,0.4,0.85,2,100\n2,0.25,,,,2,110\n",
  );
});

Deno.test("metrics.json writes NaN/Infinity as null instead of failing", () => {
  assert.deepEqual(JSON.parse(toJson({ a: NaN, b: [Infinity, 1] })), { a: null, b: [null, 1] });
});

Deno.test("writeResults writes every file atomically and leaves no temp files", async () => {
  const dir = await Deno.makeTempDir();
  const files = await writeResults(`${dir}/task`, {
    metrics: { x: 1 },
    history,
    confusion: [[1, 0], [2, 3]],
    classNames: ["a", "b"],
  });
  assert.equal(files.length, 4);
  const names = [...Deno.readDirSync(`${dir}/task`)].map((e) => e.name).sort();
  assert.deepEqual(names, ["confusion.csv", "curves.svg", "history.csv", "metrics.json"]);
  assert.equal(
    await Deno.readTextFile(`${dir}/task/confusion.csv`),
    "true\\predicted,a,b\na,1,0\nb,2,3\n",
  );
  const svg = await Deno.readTextFile(`${dir}/task/curves.svg`);
  assert.ok(svg.startsWith("<svg") && svg.includes("validation") && !/="[^"]*NaN/.test(svg));
  assert.equal((svg.match(/<svg/g) ?? []).length, (svg.match(/<\/svg>/g) ?? []).length);
  await Deno.remove(dir, { recursive: true });
});
