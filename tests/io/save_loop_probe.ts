/**
 * Helper of model_file_test.ts: saves the model of seed Deno.args[1] into folder Deno.args[0]
 * over and over, printing "saved" after the first save, until it is killed.
 */
import "../../io/model_methods.ts";
import { mnistMlp } from "../../tasks/mnist_models.ts";

const model = mnistMlp("relu", Number(Deno.args[1]));
for (let i = 0;; i++) {
  await model.save(Deno.args[0]);
  if (i === 0) console.log("saved");
}
