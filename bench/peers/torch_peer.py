"""PyTorch peer for `deno task bench --peers`.

Usage: /usr/bin/python3 bench/peers/torch_peer.py [seconds] [W1,...,W7,matmul] [threads]
    [cpu|cuda|auto]

Prints one JSON line per case, with the device it ran on. cuda runs on torch.cuda's first device
(a line with an error that says why when CUDA is unavailable); auto is cuda when
torch.cuda.is_available(), else cpu. On cuda the peer is named "torch-cuda", TF32 is off (our
kernels are plain fp32), and the timed loop's readbacks synchronise the device as ours do. The workloads are the ones of bench/workloads.ts, written in
PyTorch's NCHW layout: W1 mlp 784-128 ReLU-10 (batch 128); W2 keras-mnist-cnn (batch 128);
W3 starter-cnn (batch 16); W4 cifar-cnn (batch 32); W5 resnet-fashion and W6 lstm-mnist (batch
128), the models of their task twins (tasks/peers/resnet_fashion_torch.py,
tasks/peers/lstm_mnist_torch.py); W7 one pre-norm nn.TransformerEncoderLayer (128 features, 4
heads, feed-forward 512 gelu, no dropout) on 64 tokens, the mean token into Linear 10 (batch 32).
SGD lr 0.01 momentum 0.9, cross-entropy on
random inputs in [0, 1) and random labels, as in our bench. Timing matches bench/measure.ts:
two warm-up steps, then median of three repeats of at least `seconds` (and two steps) each; the
loss is read (.item()) every 10 steps and at the end of a repeat (PyTorch on the CPU runs eagerly,
so the read only costs a copy).
"""
import json
import os
import sys
import time

import torch
import torch.nn as nn

# W5 and W6 are the task twins' models.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tasks/peers"))


def conv(cin, cout, k, pad=0):
    return [nn.Conv2d(cin, cout, k, padding=pad), nn.ReLU()]


class EncoderBlockHead(nn.Module):
    """W7: bench/workloads.ts EncoderBlockHead, written with PyTorch's own encoder layer."""

    def __init__(self):
        super().__init__()
        self.block = nn.TransformerEncoderLayer(
            128, 4, dim_feedforward=512, dropout=0.0, activation="gelu", layer_norm_eps=1e-6,
            batch_first=True, norm_first=True)
        self.head = nn.Linear(128, 10)

    def forward(self, x):
        return self.head(self.block(x).mean(1))


def workload(name):
    """(model, input shape without batch, batch size) for W1-W7."""
    if name == "W1":
        layers = [nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10)]
        return nn.Sequential(*layers), (1, 28, 28), 128
    if name == "W2":
        layers = conv(1, 32, 3) + conv(32, 64, 3) + [
            nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten(),
            nn.Linear(12 * 12 * 64, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10)]
        return nn.Sequential(*layers), (1, 28, 28), 128
    if name == "W3":
        layers = conv(1, 16, 5, 2) + [nn.MaxPool2d(2)] + conv(16, 16, 5, 2) + [
            nn.MaxPool2d(2), nn.Flatten(), nn.Linear(7 * 7 * 16, 10)]
        return nn.Sequential(*layers), (1, 28, 28), 16
    if name == "W4":
        layers = conv(3, 32, 3, 1) + conv(32, 32, 3) + [nn.MaxPool2d(2), nn.Dropout(0.25)]
        layers += conv(32, 32, 3, 1) + conv(32, 32, 3) + [nn.MaxPool2d(2), nn.Dropout(0.25)]
        layers += [nn.Flatten(), nn.Linear(6 * 6 * 32, 512), nn.ReLU(), nn.Dropout(0.5),
                   nn.Linear(512, 10)]
        return nn.Sequential(*layers), (3, 32, 32), 32
    if name == "W5":
        from resnet_fashion_torch import model
        return model(), (1, 28, 28), 128
    if name == "W6":
        from lstm_mnist_torch import RowLstm
        return RowLstm(), (28, 28), 128
    if name == "W7":
        return EncoderBlockHead(), (64, 128), 32
    raise ValueError(f"torch_peer: unknown workload {name} (W1-W7, matmul)")


def measure(step, units, seconds, read_every=10):
    """Median of three repeats, in units per second; `step` returns a tensor to read."""
    for _ in range(2):
        step().reshape(-1)[0].item()
    rates = []
    for _ in range(3):
        n = 0
        t0 = time.perf_counter()
        while n < 2 or time.perf_counter() - t0 < seconds:
            last = step()
            n += 1
            if n % read_every == 0:
                last.reshape(-1)[0].item()
        last.reshape(-1)[0].item()
        rates.append(n * units / (time.perf_counter() - t0))
    rates.sort()
    return {"median": rates[1], "min": rates[0], "max": rates[2]}


def blas():
    """The BLAS library this process loaded (Debian's torch links libblas.so.3, an alternative)."""
    torch.rand(64, 64) @ torch.rand(64, 64)
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.lower()}
    except OSError:
        return "unknown"
    return ", ".join(sorted(libs)) or "none found in /proc/self/maps"


def peak_rss_mib():
    """This process's peak resident memory (VmHWM), or None off Linux; one process per case."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def cuda_unavailable():
    """Why torch.cuda cannot be used here, or None when it can."""
    if torch.version.cuda is None and getattr(torch.version, "hip", None) is None:
        return f"this PyTorch ({torch.__version__}) is built without CUDA"
    if not torch.cuda.is_available():
        return (f"torch.cuda.is_available() is False (PyTorch {torch.__version__}, CUDA "
                f"{torch.version.cuda}): no CUDA device or driver visible")
    return None


def pick_device(asked):
    """(device, info fields, error): `asked` is cpu, cuda or auto."""
    if asked not in ("cpu", "cuda", "auto"):
        return None, {}, f"unknown peer device {asked!r}: use cpu, cuda or auto"
    why = cuda_unavailable()
    if asked == "cuda" and why:
        return None, {"device": "cuda"}, (
            f"CUDA did not initialise: --peer-device cuda, but {why}; "
            "use --peer-device cpu (or auto, which falls back to the CPU)")
    if asked == "cpu" or why:
        info = {"device": "cpu"}
        if asked == "auto":
            info["deviceNote"] = f"auto: CPU, because {why}"
        return "cpu", info, None
    # Plain fp32 like our kernels: TF32 rounds matmul and conv inputs to a 10-bit mantissa.
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    props = torch.cuda.get_device_properties(0)
    return "cuda", {
        "device": "cuda",
        "deviceName": torch.cuda.get_device_name(0),
        "cuda": torch.version.cuda or f"hip {torch.version.hip}",
        "cudnn": torch.backends.cudnn.version(),
        "computeCapability": f"{props.major}.{props.minor}",
        "memoryGiB": round(props.total_memory / 2 ** 30, 1),
        "tf32": False,
    }, None


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3
    names = (sys.argv[2] if len(sys.argv) > 2 else "W1,W2,W3,W4,W5,W6,W7,matmul").split(",")
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else torch.get_num_threads()
    dev, dev_info, error = pick_device(sys.argv[4] if len(sys.argv) > 4 else "cpu")
    peer = "torch-cuda" if dev_info.get("device") == "cuda" else "torch"
    if error:
        print(json.dumps({"peer": peer, "version": torch.__version__, **dev_info,
                          "error": error}), flush=True)
        return
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    info = {"peer": peer, "version": torch.__version__, "threads": threads, **dev_info}
    if dev == "cpu":
        info["blas"] = blas()
    for name in names:
        if name == "matmul":
            a = torch.rand(1024, 1024, device=dev)
            b = torch.rand(1024, 1024, device=dev)
            r = measure(lambda: a @ b, 2 * 1024 ** 3 / 1e9, seconds)
            print(json.dumps({**info, "workload": "matmul1024", "unit": "GFLOP/s", **r,
                              "peakRssMiB": peak_rss_mib()}), flush=True)
            continue
        model, shape, batch = workload(name)
        model.to(dev).train()
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        lossf = nn.CrossEntropyLoss()
        x = torch.rand(batch, *shape, device=dev)
        y = torch.randint(0, 10, (batch,), device=dev)

        def step():
            opt.zero_grad()
            loss = lossf(model(x), y)
            loss.backward()
            opt.step()
            return loss.detach()

        r = measure(step, batch, seconds)
        print(json.dumps({**info, "workload": name, "unit": "samples/s", **r,
                          "peakRssMiB": peak_rss_mib()}), flush=True)


main()
