/**
 * `deno task test`: runs the test suite with `deno test` and ends with the plain summary line
 * `N passed, N failed` that CI reads. Extra arguments go to `deno test` (e.g. a path filter).
 */
const args = Deno.args.length ? Deno.args : ["tests/"];
const child = new Deno.Command(Deno.execPath(), {
  args: ["test", "-A", "--no-check=remote", ...args],
  stdout: "piped",
  stderr: "inherit",
}).spawn();

let tail = "";
const decoder = new TextDecoder();
for await (const chunk of child.stdout) {
  await Deno.stdout.write(chunk);
  tail = (tail + decoder.decode(chunk, { stream: true })).slice(-4000);
}
const { code } = await child.status;
// deno's own summary: "ok | 12 passed (3 steps) | 0 failed (2s)"; colours stripped first.
const plain = tail.replace(new RegExp(String.fromCharCode(27) + "\\[[0-9;]*m", "g"), "");
const m = [...plain.matchAll(/(\d+) passed.*?\| (\d+) failed/g)].at(-1);
const passed = m ? Number(m[1]) : 0;
const failed = m ? Number(m[2]) : code === 0 ? 0 : 1;
console.log(`${passed} passed, ${failed} failed`);
Deno.exit(code === 0 && failed === 0 && passed > 0 ? 0 : 1);
