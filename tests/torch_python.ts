/**
 * The PyTorch the cross-checks run against: {@link PYTHON}, whether it imports torch, and one
 * call that runs a script on a JSON input and reads its JSON output back.
 * @module
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { withDir } from "./io/temp_dir.ts";

/** The Python that has PyTorch (never plain `python3`). */
export const PYTHON = "/usr/bin/python3";

/** Whether {@link PYTHON} can import torch. */
export const hasTorch: boolean = existsSync(PYTHON) &&
  new Deno.Command(PYTHON, { args: ["-c", "import torch"], stderr: "null" }).outputSync().success;

/**
 * `ignore` for a cross-check with PyTorch: skipped where torch is missing, except on CI, where
 * a missing torch fails the test instead of hiding it.
 */
export const ignoreWithoutTorch: boolean = !hasTorch && !Deno.env.get("CI");

/**
 * Runs `script` as `PYTHON script in.json out.json` on `input` and returns what it wrote to
 * out.json; fails with the script's stderr when it exits non-zero.
 * Example: `const torch = await runTorchJson(SCRIPT, jobs)`.
 */
// deno-lint-ignore no-explicit-any
export async function runTorchJson(script: string, input: unknown): Promise<any> {
  let out: unknown;
  await withDir(async (dir) => {
    const [inPath, outPath] = [join(dir, "in.json"), join(dir, "out.json")];
    await Deno.writeTextFile(inPath, JSON.stringify(input));
    const p = await new Deno.Command(PYTHON, { args: [script, inPath, outPath] }).output();
    const td = new TextDecoder();
    assert.ok(p.success, td.decode(p.stderr) + td.decode(p.stdout));
    out = JSON.parse(await Deno.readTextFile(outPath));
  });
  return out;
}
