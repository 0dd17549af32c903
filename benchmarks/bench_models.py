"""Issue 5's benchmark: each workload written once in the torch API, run on Ember and on
torch (2 threads) in separate fresh processes, alternating, median ms/step after warm-up.

    python benchmarks/bench_models.py [--only cnn,lenet] [--repeats N] [--quick]

Prints one table: ms/step of each, the ratio Ember/torch, the achieved GFLOP/s of each
(analytic FLOPs of the matrix products and convolutions; a training step counts 3x the
forward) beside the machine's float32 matmul ceiling measured in the same run, and the peak
resident memory (ru_maxrss) of each child process.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

import numpy

HERE = os.path.abspath(__file__)
ROOT = os.path.dirname(os.path.dirname(HERE))
if ROOT not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, ROOT)


# ---------------------------------------------------------------- FLOP formulas

def conv_flops(n, c, o, h, w, k):
    return 2 * n * o * h * w * c * k * k


def linear_flops(n, i, o):
    return 2 * n * i * o


# ---------------------------------------------------------------- workloads (torch API)
# Each builder takes the module (torch or ember) and returns (step, flops per step).

def _data(L, shape, classes=None, n=None):
    rng = numpy.random.default_rng(0)
    x = L.tensor(rng.normal(size=shape).astype(numpy.float32))
    if classes is None:
        return x
    return x, L.tensor(rng.integers(0, classes, n or shape[0]))


def _train(model, opt, F, x, y, amp=None):
    if amp is not None:  # amp = the framework module: float16 autocast + GradScaler (GPU)
        scaler = amp.amp.GradScaler()

        def amp_step():
            opt.zero_grad()
            with amp.autocast("cuda", dtype=amp.float16):
                loss = F.cross_entropy(model(x), y)
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
        return amp_step

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()
    return step


def mlp(L):
    nn, F = L.nn, L.nn.functional
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = L.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x, y = _data(L, (64, 784), 10)
    return _train(model, opt, F, x, y), 3 * (linear_flops(64, 784, 128) + linear_flops(64, 128, 10))


def cnn(L):
    nn, F = L.nn, L.nn.functional
    model = nn.Sequential(nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(4096, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = L.optim.Adam(model.parameters(), lr=1e-3)
    x, y = _data(L, (64, 3, 32, 32), 10)
    f = (conv_flops(64, 3, 32, 32, 32, 3) + conv_flops(64, 32, 64, 16, 16, 3)
         + linear_flops(64, 4096, 128) + linear_flops(64, 128, 10))
    return _train(model, opt, F, x, y), 3 * f


def lenet(L):
    nn, F = L.nn, L.nn.functional
    model = nn.Sequential(nn.Conv2d(3, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                          nn.Linear(84, 10))
    opt = L.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x, y = _data(L, (100, 3, 32, 32), 10)
    f = (conv_flops(100, 3, 6, 28, 28, 5) + conv_flops(100, 6, 16, 10, 10, 5)
         + linear_flops(100, 400, 120) + linear_flops(100, 120, 84) + linear_flops(100, 84, 10))
    return _train(model, opt, F, x, y), 3 * f


def _resnet18(L, n=32):
    nn, F = L.nn, L.nn.functional

    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.b1 = nn.BatchNorm2d(cout)
            self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.b2 = nn.BatchNorm2d(cout)
            self.short = None
            if stride != 1 or cin != cout:
                self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                           nn.BatchNorm2d(cout))

        def forward(self, x):
            out = F.relu(self.b1(self.c1(x)))
            out = self.b2(self.c2(out))
            return F.relu(out + (x if self.short is None else self.short(x)))

    class ResNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
            self.bn = nn.BatchNorm2d(64)
            layers, cin = [], 64
            for cout, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
                layers += [Block(cin, cout, stride), Block(cout, cout, 1)]
                cin = cout
            self.layers = nn.Sequential(*layers)
            self.fc = nn.Linear(512, 10)

        def forward(self, x):
            out = self.layers(F.relu(self.bn(self.conv(x))))
            return self.fc(F.adaptive_avg_pool2d(out, 1).flatten(1))

    f = conv_flops(n, 3, 64, 32, 32, 3)
    cin, hw = 64, 32
    for cout, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
        hw //= stride
        f += conv_flops(n, cin, cout, hw, hw, 3) + conv_flops(n, cout, cout, hw, hw, 3)
        if cin != cout:
            f += conv_flops(n, cin, cout, hw, hw, 1)
        f += 2 * conv_flops(n, cout, cout, hw, hw, 3)
        cin = cout
    f += linear_flops(n, 512, 10)
    return ResNet(), f


def resnet(L, batch=32, amp=None):
    model, f = _resnet18(L, n=batch)
    opt = L.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    x, y = _data(L, (batch, 3, 32, 32), 10)
    return _train(model, opt, L.nn.functional, x, y, amp), 3 * f


def resnet_infer(L):
    model, f = _resnet18(L)
    model.eval()
    x = _data(L, (32, 3, 32, 32))

    def step():
        with L.no_grad():
            model(x)
    return step, f


def gpt(L, d=128, heads=4, seq=64, vocab=256, batch=16, layers=2, amp=None):
    nn, F = L.nn, L.nn.functional

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
            self.qkv, self.proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
            self.fc1, self.fc2 = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

        def forward(self, x, mask):
            b, t, _ = x.shape
            q, k, v = self.qkv(self.ln1(x)).split(d, dim=-1)
            q, k, v = (z.view(b, t, heads, d // heads).transpose(1, 2) for z in (q, k, v))
            att = (q @ k.transpose(-2, -1)) * (1.0 / (d // heads) ** 0.5)
            att = F.softmax(att.masked_fill(mask, float("-inf")), dim=-1)
            y = (att @ v).transpose(1, 2).reshape(b, t, d)
            x = x + self.proj(y)
            return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok, self.pos = nn.Embedding(vocab, d), nn.Embedding(seq, d)
            self.blocks = nn.ModuleList([Block() for _ in range(layers)])
            self.ln, self.head = nn.LayerNorm(d), nn.Linear(d, vocab)

        def forward(self, idx):
            mask = L.triu(L.ones(seq, seq, dtype=L.bool), diagonal=1)
            x = self.tok(idx) + self.pos(L.arange(seq))
            for blk in self.blocks:
                x = blk(x, mask)
            return self.head(self.ln(x))

    model = GPT()
    opt = L.optim.AdamW(model.parameters(), lr=1e-3)
    rng = numpy.random.default_rng(0)
    idx = L.tensor(rng.integers(0, vocab, (batch, seq)))
    tgt = L.tensor(rng.integers(0, vocab, (batch * seq,)))

    def step():
        opt.zero_grad()
        F.cross_entropy(model(idx).reshape(-1, vocab), tgt).backward()
        opt.step()
    if amp is not None:  # float16 autocast + GradScaler (GPU)
        scaler = amp.amp.GradScaler()

        def step():
            opt.zero_grad()
            with amp.autocast("cuda", dtype=amp.float16):
                loss = F.cross_entropy(model(idx).reshape(-1, vocab), tgt)
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
    rows = batch * seq
    f = layers * (linear_flops(rows, d, 3 * d) + linear_flops(rows, d, d)
                  + linear_flops(rows, d, 4 * d) + linear_flops(rows, 4 * d, d)
                  + 2 * 2 * batch * seq * seq * d) + linear_flops(rows, d, vocab)
    return step, 3 * f


def lstm(L):
    nn, F = L.nn, L.nn.functional
    if not hasattr(nn, "LSTM"):
        return None, "skipped: nn.LSTM missing"

    class LM(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb, self.rnn, self.out = nn.Embedding(1000, 64), nn.LSTM(64, 128), \
                nn.Linear(128, 1000)

        def forward(self, x):
            h, _ = self.rnn(self.emb(x))
            return self.out(h)

    model = LM()
    opt = L.optim.SGD(model.parameters(), lr=0.1)
    rng = numpy.random.default_rng(0)
    x = L.tensor(rng.integers(0, 1000, (35, 20)))
    y = L.tensor(rng.integers(0, 1000, (35 * 20,)))

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x).reshape(-1, 1000), y).backward()
        nn.utils.clip_grad_norm_(model.parameters(), 0.25)
        opt.step()
    f = 35 * (linear_flops(20, 64, 512) + linear_flops(20, 128, 512)) \
        + linear_flops(700, 128, 1000)
    return step, 3 * f


def _overhead(kind):
    def build(L):
        if kind == "add":
            a, b = L.ones(4), L.ones(4)
            return (lambda: a + b), 0
        if kind == "mul_backward":
            a = L.ones(4, requires_grad=True)
            b = L.ones(4, requires_grad=True)
            return (lambda: (a * b).sum().backward()), 0
        lin, x = L.nn.Linear(16, 16), L.ones(1, 16)
        return (lambda: lin(x)), 0
    return build


WORKLOADS = {
    "mlp": (mlp, 50), "cnn": (cnn, 5), "lenet": (lenet, 10), "resnet": (resnet, 1),
    "resnet_infer": (resnet_infer, 1), "gpt": (gpt, 5), "lstm": (lstm, 5),
    "ovh_add": (_overhead("add"), 5000), "ovh_mul_backward": (_overhead("mul_backward"), 2000),
    "ovh_linear": (_overhead("linear"), 2000),
}


# ---------------------------------------------------------------- child process

def child(framework, name, inner):
    t0 = time.perf_counter()
    L = __import__(framework)
    import_s = time.perf_counter() - t0
    if framework == "torch":
        L.set_num_threads(2)
    step, flops = WORKLOADS[name][0](L)
    if step is None:
        print(json.dumps({"skip": flops}))
        return
    for _ in range(max(2, inner // 2)):  # warm-up (caches, allocator)
        step()
    t = time.perf_counter()
    for _ in range(inner):
        step()
    ms = (time.perf_counter() - t) / inner * 1e3
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"ms": ms, "flops": flops, "rss": rss, "import": import_s}))


def matmul_ceiling():
    a = numpy.random.default_rng(0).standard_normal((2048, 2048), dtype=numpy.float32)
    a @ a
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        a @ a
        best = min(best, time.perf_counter() - t)
    return 2 * 2048 ** 3 / best / 1e9


def installed_mb(module):
    """Size of the package's files, without __pycache__ (bytecode, and numba's kernel
    cache in an editable install, which grows with every edit of a kernel)."""
    spec = __import__("importlib.util").util.find_spec(module)
    root = os.path.dirname(spec.origin)
    total = 0
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if x != "__pycache__"]
        total += sum(os.path.getsize(os.path.join(d, f)) for f in files)
    return total / 2 ** 20


def run(fw, name, inner):
    out = subprocess.run([sys.executable, HERE, "--child", fw, name, str(inner)],
                         capture_output=True, text=True, check=False)
    if out.returncode:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr else "failed"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="1 repeat, fewer inner steps")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args.child[0], args.child[1], int(args.child[2]))
    names = [n for n in args.only.split(",") if n] or list(WORKLOADS)
    repeats = 1 if args.quick else args.repeats
    ceiling = matmul_ceiling()
    print(f"float32 matmul ceiling (2048^2, this process): {ceiling:.1f} GFLOP/s")
    print(f"{'workload':18} {'ember ms':>10} {'torch ms':>10} {'ratio':>6} "
          f"{'ember GF/s':>10} {'torch GF/s':>10} {'ember MB':>9} {'torch MB':>9}")
    imports = {"ember": [], "torch": []}
    for name in names:
        inner = WORKLOADS[name][1]
        if args.quick:
            inner = max(1, inner // 5)
        res = {"ember": [], "torch": []}
        note = ""
        for _ in range(repeats):
            for fw in ("ember", "torch"):  # alternate so drifting load hits both
                r = run(fw, name, inner)
                if "ms" in r:
                    res[fw].append(r)
                    imports[fw].append(r["import"])
                else:
                    note = r.get("skip") or f"{fw}: {r.get('error')}"
        if not res["ember"] or not res["torch"]:
            print(f"{name:18} {note}")
            continue
        med = {fw: statistics.median(r["ms"] for r in rs) for fw, rs in res.items()}
        mem = {fw: max(r["rss"] for r in rs) for fw, rs in res.items()}
        flops = res["ember"][0]["flops"]
        gf = {fw: flops / med[fw] / 1e6 if flops else 0.0 for fw in med}
        unit = "us" if name.startswith("ovh") else "ms"
        scale = 1e3 if unit == "us" else 1.0
        print(f"{name:18} {med['ember'] * scale:9.3f}{unit[0]} {med['torch'] * scale:9.3f}"
              f"{unit[0]} {med['ember'] / med['torch']:6.2f} {gf['ember']:10.1f} "
              f"{gf['torch']:10.1f} {mem['ember']:9.0f} {mem['torch']:9.0f}")
    print("(ovh_* rows in microseconds; GF/s against the ceiling above)")
    for fw in ("ember", "torch"):
        t = statistics.median(imports[fw]) if imports[fw] else float("nan")
        print(f"import {fw}: {t:.3f} s   installed size: {installed_mb(fw):.1f} MB")


if __name__ == "__main__":
    main()
