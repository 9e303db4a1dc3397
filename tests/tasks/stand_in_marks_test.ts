/** How outputs made from stand-in data are marked: the metrics warning, titles, the console. */
import assert from "node:assert/strict";
import {
  standInNotice,
  standInTag,
  standInWarning,
  warnAgainIfStandIn,
} from "../../tasks/cifar10_common.ts";

const real = { source: "cifar-10-batches-bin", standIn: false };
const fake = { source: "synthetic", standIn: true, notice: standInNotice("/nowhere") };

Deno.test("stand-in marks: only stand-in data gets the warning, the title tag and the console bar", () => {
  assert.deepEqual(standInWarning(real), {});
  assert.deepEqual(standInWarning(fake), { warning: fake.notice });
  assert.match(fake.notice, /CIFAR-10 not found at \/nowhere/);
  assert.equal(standInTag(real), "");
  assert.equal(standInTag(fake), " (STAND-IN DATA)");
  const warned: string[] = [];
  const orig = console.warn;
  console.warn = (...a: unknown[]) => void warned.push(a.join(" "));
  try {
    warnAgainIfStandIn(real);
    assert.equal(warned.length, 0);
    warnAgainIfStandIn(fake);
  } finally {
    console.warn = orig;
  }
  assert.equal(warned.length, 1);
  assert.match(warned[0], /^!+\n! stand-in data: CIFAR-10 not found/);
});
