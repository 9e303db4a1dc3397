"""PyTorch twin of `deno task lstm-mnist`: the same row-by-row LSTM and recipe on MNIST.

Usage: /usr/bin/python3 tasks/peers/lstm_mnist_torch.py [--epochs 6] [--batch-size 128]
         [--lr 0.001] [--seed 1] [--limit N] [--test-limit N] [--threads 1] [--mnist-dir DIR]

Model: each 28x28 image is 28 steps of 28 pixels (nn.LSTM, batch_first, 128 units); the last h
goes to Linear 10 (logits). Initialisation as Keras' LSTM and the toolkit's: Glorot-uniform
input kernel, orthogonal recurrent kernel, input bias zero except the forget gate's at 1
(unitForgetBias); PyTorch's second bias (bias_hh) is held at zero and frozen, so the model has
the toolkit's single bias and its 81 674 parameters. The gate order (i, f, g, o) is Keras'.
Recipe as tasks/lstm_mnist.ts: pixels / 255, validation = the last 10% of the training set
before shuffling, reshuffled every epoch, batch 128, Adam lr 1e-3 eps 1e-7, softmax
cross-entropy on the logits. An epoch's training loss and accuracy are means over its batches
(weighted by size) of the pre-update numbers, as `fit` reports.

Prints one JSON line describing the run ({"twin": ...}), one per epoch ({"epoch": ...}) and a
last one with the test numbers ({"final": true, ...}).
"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# The script's folder is on sys.path: the MNIST finder and IDX reader are the CNN twin's.
from mnist_cnn_torch import find_mnist_dir, read_idx

UNITS = 128


def load(d, split, limit):
    """Images as [N, 28 steps, 28 features] in [0, 1], labels as int64."""
    x = read_idx(os.path.join(d, f"{split}-images-idx3-ubyte"))
    y = read_idx(os.path.join(d, f"{split}-labels-idx1-ubyte"))
    if limit:
        x, y = x[:limit], y[:limit]
    return torch.from_numpy(x.astype(np.float32) / 255.0), torch.from_numpy(y.astype(np.int64))


class RowLstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(28, UNITS, batch_first=True)
        self.fc = nn.Linear(UNITS, 10)
        nn.init.xavier_uniform_(self.lstm.weight_ih_l0)
        nn.init.orthogonal_(self.lstm.weight_hh_l0)
        with torch.no_grad():
            self.lstm.bias_ih_l0.zero_()
            self.lstm.bias_ih_l0[UNITS:2 * UNITS] = 1.0  # forget gate
            self.lstm.bias_hh_l0.zero_()
        self.lstm.bias_hh_l0.requires_grad_(False)
        nn.init.xavier_uniform_(self.fc.weight)
        nn.init.zeros_(self.fc.bias)

    def forward(self, x):
        _, (h, _) = self.lstm(x)
        return self.fc(h[-1])


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
    ap.add_argument("--mnist-dir")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    d = find_mnist_dir(a.mnist_dir)
    x, y = load(d, "train", a.limit)
    xt, yt = load(d, "t10k", a.test_limit)
    split = len(y) - int(len(y) * a.validation_split)  # the last fraction, unshuffled
    xv, yv, x, y = x[split:], y[split:], x[:split], y[:split]
    net = RowLstm()
    trainable = [p for p in net.parameters() if p.requires_grad]
    params = sum(p.numel() for p in trainable)
    opt = torch.optim.Adam(trainable, lr=a.lr, eps=1e-7)
    print(json.dumps({"twin": "lstm_mnist_torch", "torch": torch.__version__,
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
        rec = {"epoch": epoch, "loss": total / len(y), "acc": right / len(y), "seconds": seconds,
               "samplesPerSecond": len(y) / seconds}
        if len(yv):
            rec["valLoss"], rec["valAcc"] = evaluate(net, xv, yv)
        print(json.dumps(rec), flush=True)
    test_loss, test_acc = evaluate(net, xt, yt)
    print(json.dumps({"final": True, "testLoss": test_loss, "testAcc": test_acc}), flush=True)


if __name__ == "__main__":
    main()
