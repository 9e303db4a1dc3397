import assert from "node:assert/strict";
import { join } from "node:path";
import "../../io/model_methods.ts";
import { withDir } from "./temp_dir.ts";
import { checkpointToSafetensors } from "../../io/checkpoint_convert.ts";
import { readSafetensors } from "../../io/safetensors.ts";
import { loadWeightsInto, saveWeights } from "../../io/weights.ts";
import { tensor } from "../../kernels/tensor.ts";
import { saveCheckpoint } from "../../train/checkpoint.ts";
import { mnistMlp } from "../../tasks/mnist_models.ts";

const values = (ws: { tensor: { data(): Promise<unknown> } }[]) =>
  Promise.all(ws.map((w) => w.tensor.data()));

Deno.test("weights: any list of named tensors saves and loads by name", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "w.safetensors");
    const a = [
      { name: "enc.w", tensor: tensor([[1, 2], [3, 4]]) },
      { name: "enc.b", tensor: tensor([0.5, -0.5]) },
      { name: "steps", tensor: tensor([7], [1], "int32") },
      { name: "w64", tensor: tensor([1 / 3], [1], "float64") },
    ];
    await saveWeights(a, path, { note: "x" });
    const file = await readSafetensors(path);
    assert.deepEqual([...file.tensors.keys()], ["enc.w", "enc.b", "steps", "w64"]);
    assert.equal(file.tensors.get("steps")!.dtype, "I32");
    assert.equal(file.tensors.get("w64")!.dtype, "F64");
    // Loaded in another order: names, not positions, decide.
    const b = [
      { name: "w64", tensor: tensor([0], [1], "float64") },
      { name: "steps", tensor: tensor([0], [1], "int32") },
      { name: "enc.b", tensor: tensor([0, 0]) },
      { name: "enc.w", tensor: tensor([[0, 0], [0, 0]]) },
    ];
    await loadWeightsInto(b, path);
    assert.deepEqual(await values(b), await values([a[3], a[2], a[1], a[0]]));
  });
});

Deno.test("weights: missing, extra and mis-shaped tensors are refused and nothing changes", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "w.safetensors");
    await saveWeights([
      { name: "a", tensor: tensor([1, 2]) },
      { name: "b", tensor: tensor([3]) },
    ], path);
    const a = { name: "a", tensor: tensor([9, 9]) };
    await assert.rejects(
      loadWeightsInto([a, { name: "c", tensor: tensor([0]) }], path),
      /w\.safetensors: no tensor named c \(the file holds a, b\)/,
    );
    await assert.rejects(
      loadWeightsInto([a], path),
      /tensors the model does not have: b \(pass \{ strict: false \} to skip them\)/,
    );
    await assert.rejects(
      loadWeightsInto([a, { name: "b", tensor: tensor([0, 0]) }], path),
      /b is F32\[1\] in the file but float32\[2\] in the model/,
    );
    await assert.rejects(
      loadWeightsInto([a, { name: "b", tensor: tensor([0], [1], "int32") }], path),
      /b: stored as F32 but the model holds int32/,
    );
    assert.deepEqual([...await a.tensor.data()], [9, 9], "a failed load changes nothing");
    await loadWeightsInto([a], path, { strict: false });
    assert.deepEqual([...await a.tensor.data()], [1, 2]);
  });
});

Deno.test("weights: NaN is refused on saving, naming the tensor", async () => {
  await withDir(async (dir) => {
    await assert.rejects(
      saveWeights([{ name: "w", tensor: tensor([1, NaN]) }], join(dir, "w.safetensors")),
      /w holds NaN or Infinity/,
    );
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  });
});

Deno.test("weights: Sequential.saveWeights / loadWeights, and old DLTKCKP1 checkpoints", async () => {
  await withDir(async (dir) => {
    const source = mnistMlp("relu", 1);
    const target = mnistMlp("relu", 2);
    await source.saveWeights(join(dir, "w.safetensors"));
    await target.loadWeights(join(dir, "w.safetensors"));
    assert.deepEqual(await values(target.weights()), await values(source.weights()));

    const old = join(dir, "old.ckpt");
    await saveCheckpoint(source, old, { epoch: 3 });
    const fresh = mnistMlp("relu", 5);
    const warned: string[] = [];
    const warn = console.warn;
    console.warn = (m: string) => void warned.push(m);
    try {
      await fresh.loadWeights(old);
    } finally {
      console.warn = warn;
    }
    assert.match(warned.join("\n"), /old\.ckpt is an old DLTKCKP1 checkpoint; it loads/);
    assert.deepEqual(await values(fresh.weights()), await values(source.weights()));

    await checkpointToSafetensors(old, join(dir, "converted.safetensors"));
    const converted = await readSafetensors(join(dir, "converted.safetensors"));
    assert.deepEqual(converted.metadata, { epoch: "3" });
    const again = mnistMlp("relu", 6);
    await again.loadWeights(join(dir, "converted.safetensors"));
    assert.deepEqual(await values(again.weights()), await values(source.weights()));
    [source, target, fresh, again].forEach((m) => m.dispose());
  });
});
