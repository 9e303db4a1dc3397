/**
 * Helper of the model-file tests: saves the model of seed Deno.args[1] into folder Deno.args[0]
 * over and over, printing "saved" after the first save, until it is killed. Deno.args[2] is
 * "functional" for the residual CNN as a functional Model, else the MNIST MLP (a Sequential).
 */
import "../../io/model_methods.ts";
import { mnistMlp } from "../../tasks/mnist_models.ts";
import { functionalResnet } from "../layers/resnet_fixture.ts";

const seed = Number(Deno.args[1]);
const model = Deno.args[2] === "functional" ? functionalResnet(seed) : mnistMlp("relu", seed);
for (let i = 0;; i++) {
  await model.save(Deno.args[0]);
  if (i === 0) console.log("saved");
}
