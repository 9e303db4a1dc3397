"""PyTorch twin of `deno task resnet-fashion`: the same residual CNN and recipe on Fashion-MNIST.

Usage: /usr/bin/python3 tasks/peers/resnet_fashion_torch.py [--epochs 6] [--batch-size 128]
         [--lr 0.001] [--seed 1] [--limit N] [--test-limit N] [--threads 1] [--data-dir DIR]

Model (NCHW): conv 16 3x3 same (no bias) + BN + ReLU -> MaxPool 2 -> residual block (16) ->
conv 32 3x3 stride 2 same (no bias) + BN + ReLU -> residual block (32) -> Flatten -> Linear 10
(logits). A residual block is relu(x + bn(conv(relu(bn(conv(x)))))). BatchNorm momentum 0.1
(our 0.9), eps 1e-3 (Keras' and ours). Glorot-uniform kernels and zero biases, as the toolkit's
defaults. Recipe as tasks/resnet_fashion.ts: pixels / 255, validation = the last 10% of the
training set before shuffling, reshuffled every epoch, batch 128, 6 epochs, Adam lr 1e-3 eps
1e-7, softmax cross-entropy on the logits. Training loss and accuracy of an epoch are means over
its batches (weighted by size) of the pre-update numbers in training mode, as `fit` reports.

Prints one JSON line describing the run ({"twin": ...}), one per epoch ({"epoch": ...}) and a
last one with the test numbers ({"final": true, ...}).
"""
import argparse
import gzip
import json
import os
import struct
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DEBIAN_DIR = "/usr/share/datasets/fashion-mnist"


def find_dir(given):
    """The folder with the four IDX files: --data-dir, $FASHION_MNIST_DIR or the Debian copy."""
    for d in [given, os.environ.get("FASHION_MNIST_DIR"), DEBIAN_DIR]:
        if d and any(os.path.exists(os.path.join(d, f"train-images-idx3-ubyte{z}"))
                     for z in ("", ".gz")):
            return d
    raise SystemExit("resnet_fashion_torch: Fashion-MNIST not found; apt-get install "
                     "dataset-fashion-mnist, set FASHION_MNIST_DIR or pass --data-dir DIR")


def read_idx(d, name):
    path = os.path.join(d, name)
    opener = open if os.path.exists(path) else gzip.open
    with opener(path if os.path.exists(path) else path + ".gz", "rb") as f:
        magic = struct.unpack(">I", f.read(4))[0]
        dims = [struct.unpack(">I", f.read(4))[0] for _ in range(magic & 0xFF)]
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(dims)


def load(d, split, limit):
    x = read_idx(d, f"{split}-images-idx3-ubyte")
    y = read_idx(d, f"{split}-labels-idx1-ubyte")
    if limit:
        x, y = x[:limit], y[:limit]
    xt = torch.from_numpy(x.astype(np.float32) / 255.0).unsqueeze(1)
    return xt, torch.from_numpy(y.astype(np.int64))


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


def evaluate(net, x, y, batch=1000):
    net.eval()
    total, right = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(y), batch):
            out = net(x[i:i + batch])
            total += F.cross_entropy(out, y[i:i + batch]).item() * len(out)
            right += (out.argmax(1) == y[i:i + batch]).sum().item()
    return total / len(y), right / len(y)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--limit", type=int, help="training samples kept (before the split)")
    ap.add_argument("--test-limit", type=int)
    ap.add_argument("--validation-split", type=float, default=0.1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--data-dir")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    d = find_dir(a.data_dir)
    x, y = load(d, "train", a.limit)
    xt, yt = load(d, "t10k", a.test_limit)
    split = len(y) - int(len(y) * a.validation_split)  # the last fraction, unshuffled
    xv, yv, x, y = x[split:], y[split:], x[:split], y[:split]
    net = model()
    params = sum(p.numel() for p in net.parameters())
    opt = torch.optim.Adam(net.parameters(), lr=a.lr, eps=1e-7)
    print(json.dumps({"twin": "resnet_fashion_torch", "torch": torch.__version__,
                      "threads": a.threads, "seed": a.seed, "lr": a.lr, "params": params,
                      "batchSize": a.batch_size, "epochs": a.epochs, "train": len(y),
                      "validation": len(yv), "test": len(yt), "data": d}), flush=True)
    gen = torch.Generator().manual_seed(a.seed)
    for epoch in range(1, a.epochs + 1):
        t0 = time.perf_counter()
        net.train()
        order = torch.randperm(len(y), generator=gen)
        total, right = 0.0, 0
        for i in range(0, len(y), a.batch_size):
            idx = order[i:i + a.batch_size]
            out = net(x[idx])
            loss = F.cross_entropy(out, y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
            right += (out.argmax(1) == y[idx]).sum().item()
        seconds = time.perf_counter() - t0
        rec = {"epoch": epoch, "loss": total / len(y), "acc": right / len(y), "seconds": seconds}
        if len(yv):
            rec["valLoss"], rec["valAcc"] = evaluate(net, xv, yv)
        print(json.dumps(rec), flush=True)
    test_loss, test_acc = evaluate(net, xt, yt)
    print(json.dumps({"final": True, "testLoss": test_loss, "testAcc": test_acc}), flush=True)


if __name__ == "__main__":
    main()
