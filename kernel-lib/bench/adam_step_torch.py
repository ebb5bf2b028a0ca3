"""PyTorch CPU side of bench:adam-step (src/bench/adamStep.ts): the lecture's two-layer net
3072 -> 50 -> 10 (ReLU, softmax cross-entropy, L2 0.5*reg*(|W1|^2 + |W2|^2)), torch.optim.Adam
(lr 1e-3, betas (0.9, 0.999), eps 1e-8). Times `steps` full steps (forward, autograd backward, Adam
update) on batches of `batch` rows, and `steps` Adam updates alone on fixed gradients. Prints one
line: @@nnlab-bench {json}."""
import json
import sys
import time

import torch

task = json.loads(sys.argv[1])
torch.set_num_threads(task["threads"])
torch.manual_seed(0)
D, H, C, N = 3072, task["hidden"], 10, task["batch"]
X = torch.randn(N, D) * 60
y = torch.randint(0, C, (N,))
W1 = (1e-4 * torch.randn(D, H)).requires_grad_()
b1 = torch.zeros(H, requires_grad=True)
W2 = (1e-4 * torch.randn(H, C)).requires_grad_()
b2 = torch.zeros(C, requires_grad=True)
params = [W1, b1, W2, b2]
opt = torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
reg = task["reg"]


def step():
    opt.zero_grad()
    scores = torch.relu(X @ W1 + b1) @ W2 + b2
    loss = torch.nn.functional.cross_entropy(scores, y) + 0.5 * reg * ((W1 * W1).sum() + (W2 * W2).sum())
    loss.backward()
    opt.step()
    return loss.item()


for _ in range(task["warmup"]):
    step()
started = time.perf_counter()
for _ in range(task["steps"]):
    last = step()
full = time.perf_counter() - started
started = time.perf_counter()
for _ in range(task["steps"]):
    opt.step()
update = time.perf_counter() - started
print("@@nnlab-bench " + json.dumps({"full": full, "update": update, "loss": last, "threads": torch.get_num_threads()}))
