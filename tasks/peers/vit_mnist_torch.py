"""PyTorch twin of `deno task vit-mnist`: the same small Vision Transformer and recipe on MNIST.

Usage: /usr/bin/python3 tasks/peers/vit_mnist_torch.py [--epochs 10] [--batch-size 128]
         [--lr 0.001] [--seed 1] [--limit N] [--test-limit N] [--threads 1] [--mnist-dir DIR]

Model as tasks/vit_mnist.ts: 16 patches of 7x7 pixels -> Linear 64 + a learned position
embedding [1, 16, 64]; two pre-norm encoder blocks (LayerNorm eps 1e-6 -> 4-head self-attention,
keyDim 16, softmax(QK^T/sqrt(16))V, with Keras' weight layout [features, heads, dim] -> residual;
LayerNorm -> Linear 128 + exact GELU -> Linear 64 -> residual); LayerNorm, the mean over patches,
Linear 10 (logits). Initialisation as the toolkit's (Keras'): Glorot-uniform kernels with Keras'
fans (for a kernel [a, ..., b, c]: fan_in = b * prod(rest), fan_out = c * prod(rest)), zero
biases, LayerNorm at 1/0. Recipe: pixels / 255, validation = the last 10% of the training set
before shuffling, reshuffled every epoch, batch 128, Adam lr 1e-3 eps 1e-7, softmax
cross-entropy on the logits; epoch training numbers are means of the pre-update batch numbers.

Prints one JSON line describing the run ({"twin": ...}), one per epoch ({"epoch": ...}) and a
last one with the test numbers ({"final": true, ...}).
"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# The script's folder is on sys.path: the MNIST finder and IDX reader are the CNN twin's.
from mnist_cnn_torch import find_mnist_dir, read_idx

DIM, HEADS, MLP, PATCH = 64, 4, 128, 7
KEY_DIM = DIM // HEADS


def glorot(shape):
    """Keras' glorot_uniform for a kernel of `shape` (fans from the last two axes)."""
    rf = math.prod(shape[:-2]) if len(shape) > 2 else 1
    fan_in, fan_out = shape[-2] * rf, shape[-1] * rf
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return nn.Parameter(torch.empty(shape).uniform_(-limit, limit))


class Dense(nn.Module):
    """x @ W + b with W stored [in, out] as the toolkit's dense kernel."""

    def __init__(self, n_in, n_out):
        super().__init__()
        self.kernel, self.bias = glorot([n_in, n_out]), nn.Parameter(torch.zeros(n_out))

    def forward(self, x):
        return x @ self.kernel + self.bias


class Attention(nn.Module):
    """Keras 3 MultiHeadAttention's self-attention with its kernels [features, heads, dim]."""

    def __init__(self):
        super().__init__()
        self.q, self.k, self.v = (glorot([DIM, HEADS, KEY_DIM]) for _ in range(3))
        self.bq, self.bk, self.bv = (nn.Parameter(torch.zeros(HEADS, KEY_DIM)) for _ in range(3))
        self.o, self.bo = glorot([HEADS, KEY_DIM, DIM]), nn.Parameter(torch.zeros(DIM))

    def forward(self, x):
        q = torch.einsum("btf,fhd->bhtd", x, self.q) + self.bq[None, :, None]
        k = torch.einsum("btf,fhd->bhtd", x, self.k) + self.bk[None, :, None]
        v = torch.einsum("btf,fhd->bhtd", x, self.v) + self.bv[None, :, None]
        probs = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(KEY_DIM), dim=-1)
        return torch.einsum("bhtd,hdo->bto", probs @ v, self.o) + self.bo


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(DIM, eps=1e-6), nn.LayerNorm(DIM, eps=1e-6)
        self.mha, self.fc1, self.fc2 = Attention(), Dense(DIM, MLP), Dense(MLP, DIM)

    def forward(self, x):
        y = x + self.mha(self.ln1(x))
        return y + self.fc2(F.gelu(self.fc1(self.ln2(y))))


class Vit(nn.Module):
    def __init__(self):
        super().__init__()
        n = 28 // PATCH
        self.embed = Dense(PATCH * PATCH, DIM)
        self.position = glorot([1, n * n, DIM])
        self.blocks = nn.Sequential(Block(), Block())
        self.norm, self.head = nn.LayerNorm(DIM, eps=1e-6), Dense(DIM, 10)

    def forward(self, x):
        b, n = x.shape[0], 28 // PATCH
        p = x.reshape(b, n, PATCH, n, PATCH).permute(0, 1, 3, 2, 4).reshape(b, n * n, -1)
        h = self.blocks(self.embed(p) + self.position)
        return self.head(self.norm(h).mean(1))


def load(d, split, limit):
    """Images as [N, 28, 28] in [0, 1], labels as int64."""
    x = read_idx(os.path.join(d, f"{split}-images-idx3-ubyte"))
    y = read_idx(os.path.join(d, f"{split}-labels-idx1-ubyte"))
    if limit:
        x, y = x[:limit], y[:limit]
    return torch.from_numpy(x.astype(np.float32) / 255.0), torch.from_numpy(y.astype(np.int64))


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
    ap.add_argument("--epochs", type=int, default=10)
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
    net = Vit()
    params = sum(p.numel() for p in net.parameters())
    opt = torch.optim.Adam(net.parameters(), lr=a.lr, eps=1e-7)
    print(json.dumps({"twin": "vit_mnist_torch", "torch": torch.__version__,
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
