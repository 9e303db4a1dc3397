/** The `datasets` namespace of mod.ts. */
export { mnist } from "./mnist.ts";
export { fashionMnist } from "./fashion_mnist.ts";
export { type Dataset, disposable, disposableSplits } from "./dataset.ts";
export { cifar10, CIFAR10_CLASSES, type Cifar10Options } from "./cifar10.ts";
export { type Cifar10OrStandIn, cifar10OrStandIn } from "./cifar10_standin.ts";
export { gatherRows, type HostRows } from "./host_rows.ts";
export {
  circle,
  circles,
  type CirclesOptions,
  type FeatureName,
  gauss,
  playground,
  PLAYGROUND_FEATURES,
  playgroundFeatures,
  type PlaygroundKind,
  type PlaygroundOptions,
  spiral,
  type ToyData,
  type ToySplit,
  xor,
} from "./toy.ts";
export {
  augment,
  type AugmentOptions,
  augmentTensor,
  channelNormalizer,
  flipHorizontal,
  meanImage,
  readImages,
  zcaWhitener,
} from "./transforms.ts";
