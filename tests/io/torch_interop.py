"""PyTorch side of tests/io/torch_layout_test.ts: safetensors read and written with the standard
library and torch only (no safetensors package), per the format's specification.

Usage: torch_interop.py JOBS.json. For each job {key, source, dir, inputPerm}: builds the hand-written
torch.nn equivalent of the course model `key` (checking that the toolkit's generated `source`
is the same module), loads dir/ours.safetensors with load_state_dict(strict=True), predicts on
dir/x.safetensors (permuted by inputPerm: NHWC to NCHW, NLC to NCL, as is when a Dense is first) and writes dir/y.safetensors with
  y_ours:  the torch model's output with the toolkit's weights,
  y_torch: the output of a torch-initialised model (batch-norm statistics moved by training-mode
           passes), whose state dict goes to dir/torch_state.safetensors.
"""
import json
import struct
import sys

import torch
from torch import nn

DTYPES = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64, "I32": torch.int32}
NAMES = {v: k for k, v in DTYPES.items()}
SIZES = {"F32": 4, "F64": 8, "I64": 8, "I32": 4}


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8 : 8 + n].decode("utf-8"))
    data = blob[8 + n :]
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, end = e["data_offsets"]
        t = torch.frombuffer(bytearray(data[b:end]), dtype=DTYPES[e["dtype"]])
        assert t.numel() * SIZES[e["dtype"]] == end - b
        out[name] = t.reshape(e["shape"]).clone()
    return out


def write_safetensors(path, tensors):
    header, chunks, offset = {}, [], 0
    for name, t in tensors.items():
        raw = t.detach().contiguous().cpu().numpy().tobytes()  # little-endian on this machine
        header[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    h = json.dumps(header).encode("utf-8")
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(chunks))


def block_keras(cin):
    return [nn.Conv2d(cin, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 32, 3), nn.ReLU(),
            nn.MaxPool2d(2), nn.Dropout(0.25)]


def block_rdfia(cin, cout):
    return [nn.Conv2d(cin, cout, 5, padding=2), nn.BatchNorm2d(cout, eps=1e-3, momentum=0.01),
            nn.ReLU(), nn.MaxPool2d(2)]


# The course models as a PyTorch user would write them (tasks/mnist_models.ts, cifar10_models.ts);
# they end in logits (the loss, softmax cross-entropy, applies the softmax).
MODELS = {
    "mnist_mlp": lambda: nn.Sequential(
        nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10)),
    "mnist_cnn_dropout": lambda: nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Dropout(0.25), nn.Flatten(), nn.Linear(9216, 128), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(128, 10)),
    "mnist_starter": lambda: nn.Sequential(
        nn.Conv2d(1, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(16, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(),
        nn.Linear(784, 10)),
    "keras_cifar_cnn": lambda: nn.Sequential(
        *block_keras(3), *block_keras(32), nn.Flatten(), nn.Linear(1152, 512), nn.ReLU(),
        nn.Dropout(0.5), nn.Linear(512, 10)),
    "cifar_starter": lambda: nn.Sequential(
        nn.Conv2d(3, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(16, 16, 5, padding=2), nn.ReLU(), nn.Flatten(), nn.Linear(4096, 10)),
    "rdfia_bn_dropout": lambda: nn.Sequential(
        *block_rdfia(3, 32), *block_rdfia(32, 64), *block_rdfia(64, 64), nn.Flatten(),
        nn.Linear(1024, 1000), nn.ReLU(), nn.Dropout(0.5), nn.Linear(1000, 10)),
}


def main():
    torch.manual_seed(0)
    jobs = json.load(open(sys.argv[1]))
    for job in jobs:
        generated = eval(job["source"], {"nn": nn})
        if job["key"] in MODELS:
            model = MODELS[job["key"]]()
            if repr(model) != repr(generated):
                sys.exit(f"{job['key']}: generated module differs:\n{generated}\nexpected:\n{model}")
        else:
            model = generated
        model.load_state_dict(read_safetensors(f"{job['dir']}/ours.safetensors"), strict=True)
        model.eval()
        x = read_safetensors(f"{job['dir']}/x.safetensors")["x"]
        xt = x.permute(*job["inputPerm"])  # NHWC → NCHW, NLC → NCL, or as is (a Dense first)
        with torch.no_grad():
            y_ours = model(xt)
            fresh = eval(job["source"], {"nn": nn})
            fresh.train()
            for _ in range(3):  # moves batch-norm running statistics away from 0 and 1
                fresh(torch.rand_like(xt) * 2)
            fresh.eval()
            y_torch = fresh(xt)
        write_safetensors(f"{job['dir']}/torch_state.safetensors", fresh.state_dict())
        write_safetensors(f"{job['dir']}/y.safetensors", {"y_ours": y_ours, "y_torch": y_torch})
    print(f"torch {torch.__version__}: {len(jobs)} models")


main()
