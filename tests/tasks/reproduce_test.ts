import assert from "node:assert/strict";
import { reproduce } from "../../tasks/reproduce.ts";
import type { Reproduction, ReproductionRow } from "../../tasks/reproduce_types.ts";
import { REPRODUCTIONS } from "../../tasks/reproductions.ts";

function fake(task: string, status: ReproductionRow["status"] | "throw"): Reproduction {
  return {
    task,
    runQuick: () => {
      if (status === "throw") return Promise.reject(new Error("data file truncated"));
      return Promise.resolve([{
        task,
        check: "test accuracy",
        reported: "0.9",
        ours: "0.91",
        tolerance: "≥ 0.8",
        status,
        device: "test device",
        wallSeconds: 1,
        command: `deno task ${task} --quick`,
      }]);
    },
  };
}

Deno.test("reproduce: table with every row; a failure or a crash makes the exit code 1", async () => {
  const out = await Deno.makeTempDir();
  const list = [
    fake("a", "pass"),
    fake("b", "not reproduced: data absent"),
    fake("c", "fail"),
    fake("d", "throw"),
  ];
  const code = await reproduce(list, ["--out", out]);
  assert.equal(code, 1);
  const md = await Deno.readTextFile(`${out}/REPRODUCTION.md`);
  assert.match(md, /\| a \| test accuracy \| 0\.9 \| 0\.91 \| ≥ 0\.8 \| pass \|/);
  assert.match(md, /\| b \|.*not reproduced: data absent/);
  assert.match(md, /\| c \|.*\*\*FAIL\*\*/);
  assert.match(md, /\| d \| runs to completion \|.*error: data file truncated.*\*\*FAIL\*\*/);
  assert.match(md, /1 pass, 2 fail, 1 not reproduced\./);
  const json = JSON.parse(await Deno.readTextFile(`${out}/reproduction-quick.json`));
  assert.equal(json.rows.length, 4);
  assert.equal(
    await reproduce([fake("a", "pass"), fake("b", "not reproduced: data absent")], [
      "--out",
      out,
    ]),
    0,
  );
  await Deno.remove(out, { recursive: true });
});

Deno.test("reproduce: --only rejects unknown task names; every listed task is unique", async () => {
  assert.equal(await reproduce([fake("a", "pass")], ["--only", "nope"]), 2);
  const names = REPRODUCTIONS.map((r) => r.task);
  assert.equal(new Set(names).size, names.length);
  assert.ok(names.includes("mnist-starter"));
});

Deno.test("reproduce --full: a task whose data is absent is not trained, and says so", async () => {
  const out = await Deno.makeTempDir();
  let trained = 0;
  const needsCifar: Reproduction = {
    ...fake("needs-cifar", "pass"),
    requires: "cifar10",
    runFull: () => {
      trained++;
      return Promise.resolve([]);
    },
  };
  const absent = () => Promise.resolve("CIFAR-10 not found at /nowhere");
  assert.equal(await reproduce([needsCifar], ["--full", "--out", out], absent), 0);
  assert.equal(trained, 0, "no full run on stand-in data");
  const md = await Deno.readTextFile(`${out}/REPRODUCTION-full.md`);
  assert.match(
    md,
    /\| needs-cifar \| full run \|.*not run: CIFAR-10 not found at \/nowhere.*\| not reproduced: data absent \|/,
  );
  // With the data present the full run happens.
  assert.equal(
    await reproduce([needsCifar], ["--full", "--out", out], () => Promise.resolve(undefined)),
    0,
  );
  assert.equal(trained, 1);
  await Deno.remove(out, { recursive: true });
});
