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
cross-entropy on the logits. Prints the run, each epoch and the test as JSON lines
(tasks/peers/twin_common.py).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

import twin_common  # beside this script, so on sys.path

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


def main():
    twin_common.adam_main("vit_mnist_torch", __doc__, Vit, twin_common.find_mnist_dir,
                          epochs=10, channel=False)


if __name__ == "__main__":
    main()
