import assert from "node:assert/strict";
import { Rng } from "../../kernels/random.ts";
import { ARC_NAMES, ARCS, arcTexts, opinionArcs } from "../../datasets/opinion_arcs.ts";

const T = ARCS.maxLength;
const isOpinion = (id: number) => id >= 1 && id <= 2 * ARCS.opinionWords;

Deno.test("opinion arcs: front padding, one opinion word per third, the label is the arc", () => {
  const { ids, labels } = arcTexts(new Rng(5), 2000);
  const counts = new Array(ARCS.classes).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const row = ids.subarray(i * T, (i + 1) * T);
    const start = row.findIndex((id) => id !== 0);
    const len = T - start;
    assert.ok(len >= ARCS.minLength && len <= T, `length ${len}`);
    assert.ok(row.subarray(start).every((id) => id > 0 && id < ARCS.vocabulary));
    let arc = 0;
    for (let k = 0; k < 3; k++) {
      const a = start + Math.floor((k * len) / 3), b = start + Math.floor(((k + 1) * len) / 3);
      const at = [...row.subarray(a, b).keys()].filter((j) => isOpinion(row[a + j]));
      assert.equal(at.length, 1, `text ${i}: one opinion word in third ${k}`);
      const pos = a + at[0];
      const negated = row[pos - 1] === ARCS.not;
      const negative = row[pos] > ARCS.opinionWords;
      arc = arc * 2 + (negative !== negated ? 1 : 0);
    }
    // "not" appears only right before an opinion word.
    const nots = row.filter((id) => id === ARCS.not).length;
    const negations = [...row.keys()].filter((j) => row[j] === ARCS.not && isOpinion(row[j + 1]));
    assert.equal(nots, negations.length);
    assert.equal(labels[i], arc, `text ${i}: ${ARC_NAMES[labels[i]]}`);
    counts[arc]++;
  }
  // Arcs are uniform: each of the 8 near 250 of 2000.
  for (const c of counts) assert.ok(c > 180 && c < 320, `class counts ${counts}`);
});

Deno.test("opinion arcs: what a bag of words sees fixes the arc in ≤ 0.375 of texts", () => {
  // Given the bag, only (negative opinion words, "not"s) bear on the arc; the best guess per
  // such pair is its most frequent arc. Over many texts that guess is right ≈ 24/64 of the time.
  const { ids, labels } = arcTexts(new Rng(9), 20000);
  const table = new Map<string, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const row = ids.subarray(i * T, (i + 1) * T);
    const neg = row.filter((id) => id > ARCS.opinionWords && id <= 2 * ARCS.opinionWords).length;
    const key = `${neg},${row.filter((id) => id === ARCS.not).length}`;
    const c = table.get(key) ?? new Array(ARCS.classes).fill(0);
    c[labels[i]]++;
    table.set(key, c);
  }
  const right = [...table.values()].reduce((s, c) => s + Math.max(...c), 0);
  const acc = right / labels.length;
  assert.ok(acc > 0.36 && acc < 0.39, `bag-of-words ceiling ${acc}`);
});

Deno.test("opinion arcs: seeded; a shorter training set is a prefix; the test set stays", async () => {
  const a = opinionArcs({ train: 300, test: 50 }), b = opinionArcs({ train: 100, test: 50 });
  assert.deepEqual(a.train.x.shape, [300, T]);
  assert.equal(a.train.x.dtype, "int32");
  const [ax, bx, at, bt] = await Promise.all(
    [a.train.x, b.train.x, a.test.x, b.test.x].map((t) => t.data()),
  );
  assert.deepEqual(Array.from(ax.subarray(0, 100 * T)), Array.from(bx));
  assert.deepEqual(Array.from(at), Array.from(bt));
  assert.deepEqual(Array.from(a.train.y.subarray(0, 100)), Array.from(b.train.y));
  const c = opinionArcs({ train: 100, test: 0, seed: 2 });
  assert.notDeepEqual(Array.from(await c.train.x.data()), Array.from(bx));
  assert.deepEqual(ARC_NAMES, ["+++", "++-", "+-+", "+--", "-++", "-+-", "--+", "---"]);
  assert.throws(() => opinionArcs({ train: 1.5 }), /train must be a whole number ≥ 0, got 1.5/);
  for (const d of [a, b, c]) [d.train.x, d.test.x].forEach((t) => t.dispose());
});
