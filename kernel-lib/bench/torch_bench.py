"""PyTorch CPU side of `nnlab bench` (kernel-lib/src/bench/run.ts starts it with /usr/bin/python3).

The same three models, batch sizes, optimizers and schedule as kernel-lib/src/bench/models.ts and
train.ts, on synthetic data: a few batches made before timing and cycled. Images are NCHW here
(PyTorch's layout), NHWC in tfjs. BatchNorm uses tfjs's defaults in PyTorch's convention:
eps 1e-3, momentum 0.01 (tfjs 0.99). Parameter counts are Keras-style (BN running mean and
variance included) and asserted against the task's.

run.ts starts it with OMP_WAIT_POLICY=PASSIVE (torchEnv there): Debian's torch, on OpenMP threads
and OpenBLAS pthreads, otherwise spins OpenMP threads on the cores OpenBLAS needs (2-5x slower
here, and unsteady). The detail line says which policy ran.

Usage: python3 torch_bench.py '<task JSON>'   (run.ts writes the task; see ChildTask there)
Prints progress to stderr and one line "@@nnlab-bench <JSON>" to stdout.
       python3 torch_bench.py --counts        prints {"mlp": 932362, "cnn": 1345066, ...} (tests)
"""
import json
import os
import platform
import sys
import time

MARKER = "@@nnlab-bench "
DATA_BATCHES = 4


def emit(obj):
    sys.stdout.write(MARKER + json.dumps(obj) + "\n")
    sys.stdout.flush()


def progress(line):
    sys.stderr.write("  pytorch: " + line + "\n")
    sys.stderr.flush()


def median(values):
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def time_runs(step, schedule, fixed_steps=None):
    """Warm-up steps (the last sizes the runs unless `fixed_steps`: a later round), then `runs` timed runs of equally many steps."""
    last = 0.0
    for _ in range(max(1, schedule["warmup"])):
        t0 = time.perf_counter()
        step()
        last = time.perf_counter() - t0
    steps = min(schedule["maxStepsPerRun"], max(1, -(-schedule["minRunSeconds"] // max(last, 1e-6))))
    steps = int(fixed_steps or steps)
    seconds = []
    for _ in range(schedule["runs"]):
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        seconds.append(time.perf_counter() - t0)
    return seconds, steps


def models(nn):
    def mlp():
        layers, fan_in = [], 784
        for units in (512, 512, 512):
            layers += [nn.Linear(fan_in, units), nn.ReLU(), nn.Dropout(0.5)]
            fan_in = units
        return nn.Sequential(*layers, nn.Linear(fan_in, 10))

    def cnn():
        layers, c_in = [], 3
        for filters, rate in ((32, 0.2), (64, 0.3), (128, 0.4)):
            for _ in range(2):
                layers += [nn.Conv2d(c_in, filters, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(filters, eps=1e-3, momentum=0.01)]
                c_in = filters
            layers += [nn.MaxPool2d(2), nn.Dropout(rate)]
        return nn.Sequential(*layers, nn.Flatten(), nn.Linear(128 * 4 * 4, 512), nn.ReLU(),
                             nn.BatchNorm1d(512, eps=1e-3, momentum=0.01), nn.Dropout(0.5), nn.Linear(512, 10))

    def two_layer():
        return nn.Sequential(nn.Linear(3072, 50), nn.ReLU(), nn.Linear(50, 10))

    return {"mlp": mlp, "cnn": cnn, "two-layer": two_layer}


def blas_in_use(torch):
    """Which BLAS PyTorch's products run on, in words: the BLAS library mapped into this process
    (Debian's torch links the system libblas.so.3, an update-alternatives choice), else what
    torch was built with. The reference BLAS (Debian's libblas3) is 30-50x slower than OpenBLAS
    on a GEMM: a peer worth flagging."""
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))  # make sure the BLAS is loaded
    try:
        with open("/proc/self/maps") as f:
            paths = sorted({line.split()[-1] for line in f if "/" in line and ("blas" in line.lower() or "mkl" in line.lower())})
    except OSError:
        paths = []
    real = sorted({os.path.realpath(p) for p in paths})
    named = lambda key: ", ".join(os.path.basename(p) for p in real if key in os.path.basename(p))  # noqa: E731
    if named("openblas"):
        return f"OpenBLAS ({named('openblas')})", None
    if named("mkl"):
        return f"MKL ({named('mkl')})", None
    if any("/blas/" in p for p in real):
        return (f"reference BLAS ({', '.join(p for p in real if '/blas/' in p)})",
                "the PyTorch peer runs the reference BLAS: its products are 30-50x slower than OpenBLAS, so every "
                "ratio flatters nnlab; install OpenBLAS (Debian: apt-get install libopenblas0-pthread) and rerun")
    info = [part for part in torch.__config__.show().replace("\n", ",").split(",") if "BLAS_INFO" in part]
    return ("built in (" + info[0].strip() + ")" if info else "unknown"), None


def keras_count(model):
    """All weights as Keras counts them: parameters plus BN running mean and variance."""
    buffers = sum(b.numel() for name, b in model.named_buffers() if name.endswith(("running_mean", "running_var")))
    return sum(p.numel() for p in model.parameters()) + buffers


def trainer(torch, nn, name, spec):
    model = models(nn)[name]()
    count = keras_count(model)
    if count != spec["parameters"]:
        raise RuntimeError(f"the PyTorch {name} model has {count} parameters, expected {spec['parameters']}")
    model.train()
    if spec["optimizer"] == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=spec["lr"])
    else:
        opt = torch.optim.SGD(model.parameters(), lr=spec["lr"])
    loss_fn = nn.CrossEntropyLoss()
    shape = spec["inputShape"]
    if len(shape) == 3:  # NHWC in the spec -> NCHW
        shape = [shape[2], shape[0], shape[1]]
    B = spec["batchSize"]
    batches = [(torch.rand(B, *shape), torch.randint(0, spec["classes"], (B,))) for _ in range(DATA_BATCHES)]
    state = {"i": 0}

    def step():
        X, y = batches[state["i"] % DATA_BATCHES]
        state["i"] += 1
        opt.zero_grad(set_to_none=True)
        loss_fn(model(X), y).backward()
        opt.step()

    return step


def main():
    if sys.argv[1] == "--counts":
        from torch import nn
        print(json.dumps({name: keras_count(build()) for name, build in models(nn).items()}))
        return
    task = json.loads(sys.argv[1])
    try:
        import torch
        from torch import nn
    except ImportError as e:
        emit({"unavailable": f"PyTorch does not import in {sys.executable} ({e})"})
        return
    torch.set_num_threads(task["threads"])
    torch.manual_seed(task["seed"])
    blas, warning = blas_in_use(torch)
    detail = (f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads, CPU, BLAS: {blas}, "
              f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'unset')}")
    progress(detail)
    if warning:
        progress("WARNING: " + warning)
        detail += "; WARNING: " + warning  # the report prints the detail line
    results = []
    for bench in task["benches"]:
        unit = "GFLOP/s" if bench == "gemm" else "samples/s"
        base = {"config": "pytorch", "bench": bench, "unit": unit}
        try:
            if bench == "gemm":
                n = task["gemmSize"]
                A, B = torch.rand(n, n), torch.rand(n, n)
                step = lambda: torch.mm(A, B)  # noqa: E731
                work = 2 * n ** 3 / 1e9
            else:
                spec = task["specs"][bench]
                step = trainer(torch, nn, bench, spec)
                work = spec["batchSize"]
            seconds, steps = time_runs(step, task["schedule"], task.get("stepsPerRun", {}).get(bench))
            runs = [work * steps / s for s in seconds]
            r = {**base, "value": median(runs), "runs": runs, "stepsPerRun": steps, "runSeconds": seconds}
            progress(f"{bench}: {r['value']:.{2 if bench == 'gemm' else 0}f} {unit} (median of {len(runs)} runs x {steps} steps)")
        except Exception as e:  # a failed benchmark is a result with its error
            r = {**base, "value": None, "runs": [], "stepsPerRun": 0, "error": str(e).split("\n")[0]}
            progress(f"{bench}: failed: {r['error']}")
        results.append(r)
    emit({"config": "pytorch", "backend": "torch", "detail": detail, "blas": blas, "warning": warning,
          "versions": {"torch": torch.__version__, "python": platform.python_version()},
          "results": results, "profiles": []})


if __name__ == "__main__":
    main()
