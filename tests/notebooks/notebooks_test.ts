/**
 * The notebooks under notebooks/ as CI runs them: each is executed headlessly in Deno's Jupyter
 * kernel (`jupyter-nbconvert --to notebook --execute`) and must come back without an error cell,
 * with an output in every code cell and a rendered plot in every cell tagged "plot". Needs
 * jupyter-nbconvert (Debian) and the kernel registered by `deno jupyter --install`; without
 * them the run is skipped locally and fails in CI.
 */
import assert from "node:assert/strict";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { committedFaults, notebookFaults, PLOT_TAG } from "./check_outputs.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DIR = join(ROOT, "notebooks");
const NBCONVERT = ["/usr/bin/jupyter-nbconvert", "jupyter-nbconvert"];

const notebooks = [...Deno.readDirSync(DIR)]
  .filter((e) => e.isFile && e.name.endsWith(".ipynb"))
  .map((e) => join(DIR, e.name))
  .sort();

async function run(cmd: string, args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    const r = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
    const dec = new TextDecoder();
    return { ok: r.success, out: dec.decode(r.stdout) + dec.decode(r.stderr) };
  } catch (e) {
    return { ok: false, out: String(e) };
  }
}

/** The nbconvert to use and whether Deno's kernel is registered, or why not. */
async function jupyter(): Promise<{ nbconvert?: string; reason?: string }> {
  let nbconvert: string | undefined;
  for (const c of NBCONVERT) if (!nbconvert && (await run(c, ["--version"])).ok) nbconvert = c;
  if (!nbconvert) {
    return { reason: "jupyter-nbconvert not found: apt-get install jupyter-nbconvert" };
  }
  const specs = await run("/usr/bin/python3", [
    "-c",
    "import json; from jupyter_client.kernelspec import find_kernel_specs; " +
    "print(json.dumps(find_kernel_specs()))",
  ]);
  const names = specs.ok ? Object.keys(JSON.parse(specs.out.trim().split("\n").at(-1)!)) : [];
  if (!names.includes("deno")) {
    return {
      reason: `Deno's Jupyter kernel is not registered (${
        specs.out.trim().slice(-200)
      }): run deno jupyter --install`,
    };
  }
  return { nbconvert };
}

const found = await jupyter();

Deno.test("the notebooks are committed unexecuted, each with plots, each linked from README", () => {
  assert.ok(notebooks.length >= 5, `${notebooks.length} notebooks in notebooks/`);
  const readme = Deno.readTextFileSync(join(ROOT, "README.md"));
  for (const path of notebooks) {
    const nb = JSON.parse(Deno.readTextFileSync(path));
    const name = basename(path);
    assert.deepEqual(committedFaults(name, nb), []);
    assert.equal(nb.metadata?.kernelspec?.name, "deno", `${name}: kernelspec must be Deno's`);
    const plots = nb.cells.filter((c: { metadata?: { tags?: string[] } }) =>
      c.metadata?.tags?.includes(PLOT_TAG)
    );
    assert.ok(plots.length > 0, `${name}: no cell tagged "${PLOT_TAG}"`);
    assert.ok(readme.includes(`notebooks/${name}`), `README does not link notebooks/${name}`);
  }
});

Deno.test("the output check flags an error cell, a cell with no output and an unrendered plot", () => {
  const ok = { output_type: "display_data", data: { "image/svg+xml": ["<svg>", "</svg>"] } };
  const nb = {
    cells: [
      { cell_type: "markdown" },
      { cell_type: "code", id: "a", outputs: [ok], metadata: { tags: [PLOT_TAG] } },
      {
        cell_type: "code",
        id: "b",
        outputs: [{ output_type: "error", ename: "TypeError", evalue: "x" }],
      },
      { cell_type: "code", id: "c", outputs: [] },
      {
        cell_type: "code",
        id: "d",
        metadata: { tags: [PLOT_TAG] },
        outputs: [{ output_type: "display_data", data: { "text/plain": "History" } }],
      },
    ],
  };
  const faults = notebookFaults("t.ipynb", nb);
  assert.equal(faults.length, 3, faults.join("\n"));
  assert.match(faults[0], /cell 2 \(b\): TypeError: x/);
  assert.match(faults[1], /cell 3 \(c\): no output/);
  assert.match(faults[2], /cell 4 \(d\): tagged "plot" but no image\/svg\+xml or text\/html/);
  assert.deepEqual(committedFaults("t.ipynb", { cells: [nb.cells[1]] }).length, 1);
});

Deno.test({
  name: "every notebook runs headlessly in Deno's kernel and renders its plots",
  ignore: !found.nbconvert && !Deno.env.get("CI"),
  fn: async () => {
    assert.ok(found.nbconvert, found.reason);
    const out = await Deno.makeTempDir({ prefix: "notebooks-" });
    try {
      const faults: string[] = [];
      for (const path of notebooks) {
        const t0 = performance.now();
        const r = await run(found.nbconvert, [
          "--to",
          "notebook",
          "--execute",
          "--allow-errors",
          "--ExecutePreprocessor.timeout=300",
          "--output-dir",
          out,
          path,
        ]);
        const seconds = (performance.now() - t0) / 1000;
        console.log(`${basename(path)}: ${seconds.toFixed(1)} s`);
        if (!r.ok) {
          faults.push(`${basename(path)}: nbconvert failed:\n${r.out.slice(-2000)}`);
          continue;
        }
        const done = JSON.parse(await Deno.readTextFile(join(out, basename(path))));
        faults.push(...notebookFaults(basename(path), done));
      }
      assert.deepEqual(faults, []);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});
