/**
 * Run by helper_test.ts with the toolkit served over http (argument: its base URL): trains a few
 * W3 steps from the imported toolkit and prints whether the helper thread came up and ran
 * halves, as JSON.
 */
const base = Deno.args[0];
const { setDevice } = await import(`${base}/kernels/device.ts`);
const { Rng } = await import(`${base}/kernels/random.ts`);
const { makeCase } = await import(`${base}/bench/run_one.ts`);
const { helperReady, helperStats } = await import(`${base}/kernels/cpu/parallel/helper.ts`);
await setDevice("cpu");
const c = makeCase("W3", new Rng(1));
c.step().dispose();
const ready = await helperReady(20_000);
for (let i = 0; i < 3; i++) c.step().dispose();
console.log(JSON.stringify({ ready, onHelper: helperStats.onHelper }));
