"""PyTorch twin of `deno task resnet-fashion`: the same residual CNN and recipe on Fashion-MNIST.

Usage: /usr/bin/python3 tasks/peers/resnet_fashion_torch.py [--epochs 6] [--batch-size 128]
         [--lr 0.001] [--seed 1] [--limit N] [--test-limit N] [--threads 1] [--data-dir DIR]

Model (NCHW): conv 16 3x3 same (no bias) + BN + ReLU -> MaxPool 2 -> residual block (16) ->
conv 32 3x3 stride 2 same (no bias) + BN + ReLU -> residual block (32) -> Flatten -> Linear 10
(logits). A residual block is relu(x + bn(conv(relu(bn(conv(x)))))). BatchNorm momentum 0.1
(our 0.9), eps 1e-3 (Keras' and ours). Glorot-uniform kernels and zero biases, as the toolkit's
defaults. Recipe as tasks/resnet_fashion.ts: pixels / 255, validation = the last 10% of the
training set before shuffling, reshuffled every epoch, batch 128, 6 epochs, Adam lr 1e-3 eps
1e-7, softmax cross-entropy on the logits. Prints the run, each epoch and the test as JSON
lines (tasks/peers/twin_common.py).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

import twin_common  # beside this script, so on sys.path


def conv_bn(cin, cout, stride=1):
    return [nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False),
            nn.BatchNorm2d(cout, eps=1e-3, momentum=0.1)]


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.body = nn.Sequential(*conv_bn(c, c), nn.ReLU(), *conv_bn(c, c))

    def forward(self, x):
        return F.relu(x + self.body(x))


def model():
    net = nn.Sequential(*conv_bn(1, 16), nn.ReLU(), nn.MaxPool2d(2), Block(16),
                        *conv_bn(16, 32, 2), nn.ReLU(), Block(32), nn.Flatten(),
                        nn.Linear(32 * 7 * 7, 10))
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
    return net


def main():
    twin_common.adam_main("resnet_fashion_torch", __doc__, model, twin_common.find_fashion_dir,
                          epochs=6, channel=True, data_flag="--data-dir")


if __name__ == "__main__":
    main()
