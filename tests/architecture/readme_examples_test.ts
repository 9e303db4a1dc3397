/**
 * The README's code examples that import the toolkit (`from "./mod.ts"`) type-check against the
 * current API, so a renamed option or export shows up here instead of in a user's first script.
 * Each block is written to a temporary folder with its import pointed at this checkout's mod.ts.
 */
import * as assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);
const MOD = new URL("mod.ts", ROOT).href;

/** The ```ts blocks of `markdown` that import "./mod.ts", with that import made absolute. */
export function toolkitExamples(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks.filter((b) => b.includes('from "./mod.ts"'))
    .map((b) => b.replaceAll('from "./mod.ts"', `from ${JSON.stringify(MOD)}`));
}

Deno.test("README examples that import ./mod.ts type-check", async () => {
  const examples = toolkitExamples(await Deno.readTextFile(new URL("README.md", ROOT)));
  // The example, the three ways to write a model, keeping and sharing a model.
  assert.ok(examples.length >= 3, `expected at least 3 examples, found ${examples.length}`);
  const dir = await Deno.makeTempDir({ prefix: "readme_examples_" });
  try {
    const files = await Promise.all(examples.map(async (code, i) => {
      const f = `${dir}/example_${i + 1}.ts`;
      await Deno.writeTextFile(f, code);
      return f;
    }));
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--quiet", ...files],
      cwd: dir,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, `a README example no longer type-checks:\n${text.slice(0, 10_000)}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
