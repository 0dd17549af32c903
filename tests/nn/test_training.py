"""End to end: the same MLP, weights and batches train to the same losses on ember and torch."""
import numpy
import pytest
import torch

import ember


def _mlp(L):
    F = L.nn.functional

    class MLP(L.nn.Module):
        def __init__(self):
            super().__init__()
            self.hidden = L.nn.Linear(64, 32)
            self.out = L.nn.Linear(32, 10)

        def forward(self, x):
            return self.out(F.relu(self.hidden(x)))
    return MLP()


def _batches(n_steps, batch=16, seed=0):
    rng = numpy.random.default_rng(seed)
    centers = rng.normal(size=(10, 64)).astype(numpy.float32)
    for _ in range(n_steps):
        y = rng.integers(0, 10, size=batch)
        x = centers[y] + 0.5 * rng.normal(size=(batch, 64)).astype(numpy.float32)
        yield x.astype(numpy.float32), y.astype(numpy.int64)


def _train(L, model, make_opt, steps):
    opt = make_opt(L, model.parameters())
    losses = []
    for x, y in _batches(steps):
        opt.zero_grad()
        loss = L.nn.functional.cross_entropy(model(L.tensor(x)), L.tensor(y))
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


@pytest.mark.parametrize("make_opt", [
    lambda L, p: L.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=1e-4),
    lambda L, p: L.optim.Adam(p, lr=1e-2),
    lambda L, p: L.optim.AdamW(p, lr=1e-2, weight_decay=0.05),
], ids=["sgd_momentum", "adam", "adamw"])
def test_mlp_trains_like_torch(make_opt):
    torch.manual_seed(0)
    t_model = _mlp(torch)
    e_model = _mlp(ember)
    e_model.load_state_dict({k: v.detach().numpy() for k, v in t_model.state_dict().items()})
    t_losses = _train(torch, t_model, make_opt, 25)
    e_losses = _train(ember, e_model, make_opt, 25)
    numpy.testing.assert_allclose(e_losses, t_losses, rtol=2e-4, atol=1e-5)
    assert e_losses[-1] < 0.5 * e_losses[0]  # it learned something
    for (k, tv), (k2, ev) in zip(t_model.state_dict().items(), e_model.state_dict().items()):
        assert k == k2
        numpy.testing.assert_allclose(ev.numpy(), tv.numpy(), rtol=1e-3, atol=1e-5, err_msg=k)
