"""Random numbers: seeding, generators, states, distributions (fixed seeds, generous bounds),
and torch's dtypes, shapes and errors. The numbers themselves differ from torch's by design
(ember/random.py draws from Philox), so values are checked statistically."""
import pickle

import numpy
import pytest
import torch

import ember

N = 100_000


def _error(make, framework):
    try:
        make(framework)
    except Exception as e:  # noqa: BLE001 - the error itself is compared
        return type(e).__name__, str(e)
    return None


def same_error(make):
    e, t = _error(make, ember), _error(make, torch)
    assert t is not None, "torch did not raise"
    assert e == t, f"\nember: {e}\ntorch: {t}"


def np_(t):
    return t.numpy().astype(numpy.float64)


# ------------------------------------------------------------------ seeding

SAMPLERS = {
    "rand": lambda m, **k: m.rand(3, 4, **k),
    "randn": lambda m, **k: m.randn(5, **k),
    "randint": lambda m, **k: m.randint(0, 100, (6,), **k),
    "randperm": lambda m, **k: m.randperm(10, **k),
    "normal": lambda m, **k: m.normal(2.0, 3.0, (4,), **k),
    "normal tensor": lambda m, **k: m.normal(m.zeros(4), m.ones(4), **k),
    "bernoulli": lambda m, **k: m.bernoulli(m.full((20,), 0.5), **k),
    "multinomial": lambda m, **k: m.multinomial(m.ones(10), 5, **k),
    "uniform_": lambda m, **k: m.empty(5).uniform_(-1, 1, **k),
    "normal_": lambda m, **k: m.empty(5).normal_(**k),
    "random_": lambda m, **k: m.empty(5).random_(0, 1000, **k),
    "exponential_": lambda m, **k: m.empty(5).exponential_(**k),
    "bernoulli_": lambda m, **k: m.empty(20).bernoulli_(0.5, **k),
}


@pytest.mark.parametrize("name", list(SAMPLERS))
def test_manual_seed_determinism(name):
    draw = SAMPLERS[name]
    ember.manual_seed(1234)
    a = draw(ember)
    ember.manual_seed(1234)
    b = draw(ember)
    ember.manual_seed(4321)
    c = draw(ember)
    assert a.tolist() == b.tolist()
    assert a.tolist() != c.tolist()
    # same dtype and shape as torch's
    t = draw(torch)
    assert a.dtype.name == str(t.dtype)[6:] and tuple(a.shape) == tuple(t.shape)


@pytest.mark.parametrize("name", list(SAMPLERS))
def test_generator_kwarg_is_an_independent_stream(name):
    draw = SAMPLERS[name]
    g1 = ember.Generator().manual_seed(7)
    g2 = ember.Generator().manual_seed(7)
    ember.manual_seed(0)
    first = draw(ember, generator=g1)
    ember.rand(10)  # the default generator moving does not touch g2
    second = draw(ember, generator=g2)
    assert first.tolist() == second.tolist()
    # and drawing from g1 leaves the default generator where it was
    ember.manual_seed(5)
    ref = ember.rand(3).tolist()
    ember.manual_seed(5)
    draw(ember, generator=g1)
    assert ember.rand(3).tolist() == ref


def test_manual_seed_returns_default_generator_and_seeds():
    g = ember.manual_seed(42)
    assert g is ember.default_generator
    assert ember.initial_seed() == 42 == torch.manual_seed(42).initial_seed()
    for s in (-1, -2 ** 63, 2 ** 64 - 1, 0):
        assert ember.manual_seed(s).initial_seed() == torch.manual_seed(s).initial_seed()
    assert ember.manual_seed(1.5).initial_seed() == torch.manual_seed(1.5).initial_seed()
    same_error(lambda m: m.manual_seed(2 ** 64))
    same_error(lambda m: m.manual_seed(-2 ** 63 - 1))
    ember.manual_seed(0)
    torch.manual_seed(0)


def test_generator_basics():
    g = ember.Generator()
    assert g.initial_seed() == torch.Generator().initial_seed() == 67280421310721
    assert g.device == ember.device("cpu")
    assert g.manual_seed(3) is g and g.initial_seed() == 3
    s = g.seed()
    assert isinstance(s, int) and g.initial_seed() == s and 0 <= s < 2 ** 64
    assert g.seed() != s


def test_seed_reseeds_default():
    s = ember.seed()
    assert ember.initial_seed() == s
    a = ember.rand(4).tolist()
    ember.manual_seed(s)
    assert ember.rand(4).tolist() == a


def test_rng_state_round_trip():
    ember.manual_seed(11)
    ember.rand(7)
    state = ember.get_rng_state()
    assert state.dtype is ember.uint8 and state.ndim == 1
    a = [ember.rand(5).tolist(), ember.randn(3).tolist(), ember.randint(0, 9, (4,)).tolist()]
    ember.set_rng_state(state)
    b = [ember.rand(5).tolist(), ember.randn(3).tolist(), ember.randint(0, 9, (4,)).tolist()]
    assert a == b
    # the state itself is not aliased: drawing after get_rng_state leaves it intact
    ember.set_rng_state(state)
    assert ember.rand(5).tolist() == a[0]


def test_generator_state_round_trip_and_pickle():
    g = ember.Generator().manual_seed(99)
    g.get_state()
    st = g.get_state()
    a = ember.randn(6, generator=g).tolist()
    g.set_state(st)
    assert ember.randn(6, generator=g).tolist() == a
    g.set_state(st)
    h = pickle.loads(pickle.dumps(g))
    assert ember.randn(6, generator=h).tolist() == a
    assert h.initial_seed() == 99


def test_rng_state_errors_match_torch():
    same_error(lambda m: m.set_rng_state(m.zeros(3)))
    same_error(lambda m: m.Generator().set_state([1]))
    with pytest.raises(RuntimeError, match="Invalid generator state"):
        ember.set_rng_state(ember.zeros(3, dtype=ember.uint8))


def test_fork_rng_restores_state():
    ember.manual_seed(3)
    ref = ember.rand(4).tolist()
    ember.manual_seed(3)
    with ember.random.fork_rng():
        ember.rand(100)
    assert ember.rand(4).tolist() == ref


# ------------------------------------------------------------------ distributions

def test_rand_uniform_statistics():
    ember.manual_seed(0)
    x = ember.rand(N)
    v = np_(x)
    assert x.dtype is ember.float32
    assert v.min() >= 0.0 and v.max() < 1.0
    assert abs(v.mean() - 0.5) < 0.01 and abs(v.var() - 1 / 12) < 0.005
    # each tenth of [0, 1) gets its share
    counts = numpy.histogram(v, bins=10, range=(0, 1))[0]
    assert numpy.all(numpy.abs(counts - N / 10) < 0.05 * N / 10)


def test_randn_statistics():
    ember.manual_seed(0)
    v = np_(ember.randn(N, dtype=ember.float64))
    assert abs(v.mean()) < 0.02 and abs(v.std() - 1) < 0.02
    assert abs((numpy.abs(v) < 1).mean() - 0.6827) < 0.01  # one sigma
    s = ((v - v.mean()) ** 3).mean()
    assert abs(s) < 0.05  # symmetric


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
def test_rand_randn_dtypes(dtype):
    for fn in ("rand", "randn"):
        e = getattr(ember, fn)(1000, dtype=getattr(ember, dtype))
        t = getattr(torch, fn)(1000, dtype=getattr(torch, dtype))
        assert e.dtype.name == str(t.dtype)[6:] == dtype
    v = np_(ember.rand(1000, dtype=getattr(ember, dtype)).float())
    assert v.min() >= 0 and v.max() <= 1  # narrow floats may round up to 1 as in torch


def test_complex_rand_randn():
    ember.manual_seed(0)
    z = ember.randn(N, dtype=ember.complex64)
    assert z.dtype is ember.complex64
    a = z.numpy()
    # torch: real and imaginary parts each have variance 1/2, total variance 1
    assert abs(a.real.var() - 0.5) < 0.01 and abs(a.imag.var() - 0.5) < 0.01
    assert abs((numpy.abs(a) ** 2).mean() - 1) < 0.02
    torch.manual_seed(0)
    tz = torch.randn(N, dtype=torch.complex64).numpy()
    assert abs(tz.real.var() - a.real.var()) < 0.02
    u = ember.rand(N, dtype=ember.complex128).numpy()
    assert u.dtype == numpy.complex128
    assert 0 <= u.real.min() and u.real.max() < 1 and 0 <= u.imag.min() and u.imag.max() < 1
    assert abs(u.real.mean() - 0.5) < 0.01 and abs(u.imag.mean() - 0.5) < 0.01


def test_randint():
    ember.manual_seed(0)
    x = ember.randint(-3, 7, (N,))
    v = x.numpy()
    assert x.dtype is ember.int64
    assert v.min() == -3 and v.max() == 6
    counts = numpy.bincount(v + 3)
    assert numpy.all(numpy.abs(counts - N / 10) < 0.05 * N / 10)
    assert ember.randint(5, (3, 2)).shape == ember.Size([3, 2])
    assert ember.randint(5, size=[4]).shape == (4,)
    assert ember.randint(0, 3, (2,), dtype=ember.float32).dtype is ember.float32
    y = ember.randint(0, 3, (2,), dtype=ember.float32, requires_grad=True)
    assert y.requires_grad and y.is_leaf


def test_randint_errors_match_torch():
    same_error(lambda m: m.randint(5, 3, (2,)))
    same_error(lambda m: m.randint(0, 3, (2,), requires_grad=True))
    same_error(lambda m: m.randint(0, 3, (2,), dtype=m.bool))
    same_error(lambda m: m.randint(-5, 3, (2,), dtype=m.uint8))
    same_error(lambda m: m.randint(0, 300, (2,), dtype=m.uint8))
    same_error(lambda m: m.randint(0, 3, (-1,)))
    with pytest.raises(TypeError):
        ember.randint(3.5, (2,))
    with pytest.raises(TypeError):
        torch.randint(3.5, (2,))


def test_randperm():
    ember.manual_seed(0)
    for n in (0, 1, 2, 10, 1000):
        p = ember.randperm(n)
        assert p.dtype is ember.int64
        assert sorted(p.tolist()) == list(range(n))
    perms = {tuple(ember.randperm(4).tolist()) for _ in range(300)}
    assert len(perms) == 24  # every permutation of 4 shows up
    assert ember.randperm(5, dtype=ember.float32).dtype is ember.float32
    same_error(lambda m: m.randperm(-1))


def test_normal_forms_and_statistics():
    ember.manual_seed(0)
    v = np_(ember.normal(2.0, 3.0, (N,)))
    assert abs(v.mean() - 2) < 0.05 and abs(v.std() - 3) < 0.05
    mean = ember.tensor([0.0, 10.0, -5.0]).repeat(N // 3 + 1)[: N]
    std = ember.tensor([1.0, 0.1, 2.0]).repeat(N // 3 + 1)[: N]
    s = ember.normal(mean, std).numpy().reshape(-1)
    for k, (m, sd) in enumerate([(0.0, 1.0), (10.0, 0.1), (-5.0, 2.0)]):
        part = s[k::3]
        assert abs(part.mean() - m) < 5 * sd / numpy.sqrt(part.size)
        assert abs(part.std() - sd) < 0.05 * sd
    # shapes and dtypes as torch for every overload
    forms = [lambda m: m.normal(m.zeros(2, 3), m.ones(3)),
             lambda m: m.normal(m.zeros(2, dtype=m.float64), 1.0),
             lambda m: m.normal(2.0, m.ones(3)),
             lambda m: m.normal(0.0, 1.0, size=(2,)),
             lambda m: m.normal(0.0, 1.0, (2, 2), dtype=m.float64)]
    for f in forms:
        e, t = f(ember), f(torch)
        assert e.dtype.name == str(t.dtype)[6:] and tuple(e.shape) == tuple(t.shape)


def test_normal_errors_match_torch():
    same_error(lambda m: m.normal(m.zeros(2), m.ones(3)))
    same_error(lambda m: m.normal(m.zeros(2), -1.0))
    same_error(lambda m: m.normal(0.0, -1.0, (2,)))
    same_error(lambda m: m.normal(m.zeros(2), -m.ones(2)))


def test_normal_gradients_follow_torch_formula():
    # torch: d/dmean = 1, d/dstd = (out - mean) / std
    mean = ember.tensor([1.0, -2.0, 3.0], requires_grad=True)
    std = ember.tensor([0.5, 2.0, 1.0], requires_grad=True)
    out = ember.normal(mean, std)
    assert out.requires_grad
    out.sum().backward()
    assert mean.grad.tolist() == [1.0, 1.0, 1.0]
    expected = ((out.detach() - mean.detach()) / std.detach()).numpy()
    numpy.testing.assert_allclose(std.grad.numpy(), expected, rtol=1e-6, atol=1e-6)
    tm = torch.tensor([1.0], requires_grad=True)
    assert torch.normal(tm, 1.0).requires_grad


def test_bernoulli():
    ember.manual_seed(0)
    p = ember.tensor([0.0, 0.2, 0.5, 1.0]).repeat(N // 4)
    x = ember.bernoulli(p)
    assert x.dtype is ember.float32
    v = x.numpy().reshape(-1, 4)
    assert v[:, 0].sum() == 0 and v[:, 3].min() == 1
    assert abs(v[:, 1].mean() - 0.2) < 0.01 and abs(v[:, 2].mean() - 0.5) < 0.01
    assert set(numpy.unique(v)) <= {0.0, 1.0}
    y = ember.bernoulli(ember.zeros(N, dtype=ember.float64), 0.3)
    assert y.dtype is ember.float64 and abs(np_(y).mean() - 0.3) < 0.01
    assert ember.zeros(3).bernoulli().tolist() == [0.0, 0.0, 0.0]


def test_bernoulli_errors_match_torch():
    same_error(lambda m: m.bernoulli(m.tensor([0, 1])))
    same_error(lambda m: m.bernoulli(m.tensor([1.5])))
    same_error(lambda m: m.bernoulli(m.tensor([-0.5])))


def test_multinomial_with_replacement():
    ember.manual_seed(0)
    w = ember.tensor([1.0, 2.0, 0.0, 7.0])  # unnormalised weights
    s = ember.multinomial(w, N, replacement=True)
    assert s.dtype is ember.int64 and s.shape == (N,)
    freq = numpy.bincount(s.numpy(), minlength=4) / N
    numpy.testing.assert_allclose(freq, [0.1, 0.2, 0.0, 0.7], atol=0.01)
    rows = ember.multinomial(ember.tensor([[1.0, 0.0], [0.0, 1.0]]), 50, True)
    assert rows.shape == (2, 50)
    assert rows[0].tolist() == [0] * 50 and rows[1].tolist() == [1] * 50


def test_multinomial_without_replacement():
    ember.manual_seed(0)
    for _ in range(50):
        s = ember.multinomial(ember.rand(20) + 0.01, 20).tolist()
        assert sorted(s) == list(range(20))  # no repeats
    # zero weights only once the others are used up, as in torch
    assert ember.multinomial(ember.tensor([0.0, 1.0, 1.0]), 3).tolist()[2] == 0
    assert sorted(ember.multinomial(ember.tensor([0.0, 1.0, 1.0]), 2).tolist()) == [1, 2]
    # first draws follow the weights
    firsts = numpy.array([ember.multinomial(ember.tensor([1.0, 3.0]), 1).item()
                          for _ in range(4000)])
    assert abs(firsts.mean() - 0.75) < 0.03
    rows = ember.multinomial(ember.ones(3, 5), 5)
    assert rows.shape == (3, 5)
    for r in rows.tolist():
        assert sorted(r) == [0, 1, 2, 3, 4]


def test_multinomial_errors_match_torch():
    same_error(lambda m: m.multinomial(m.tensor([0.0, 1.0]), 3))
    same_error(lambda m: m.multinomial(m.tensor([0.0, 0.0]), 1))
    same_error(lambda m: m.multinomial(m.tensor([-1.0, 1.0]), 1))
    same_error(lambda m: m.multinomial(m.ones(2, 2, 2), 1))
    same_error(lambda m: m.multinomial(m.tensor([1, 1]), 1))
    same_error(lambda m: m.multinomial(m.tensor([1.0, 1]), 0))
    same_error(lambda m: m.multinomial(m.tensor([1.0, float("nan")]), 1))


def test_poisson():
    ember.manual_seed(0)
    lam = ember.full((N,), 4.0)
    x = ember.poisson(lam)
    assert x.dtype is ember.float32
    v = np_(x)
    assert abs(v.mean() - 4) < 0.05 and abs(v.var() - 4) < 0.1
    assert (v == numpy.round(v)).all()


def test_like_functions():
    x = ember.zeros(2, 3, dtype=ember.float64)
    for fn in ("rand_like", "randn_like"):
        e, t = getattr(ember, fn)(x), getattr(torch, fn)(torch.zeros(2, 3, dtype=torch.float64))
        assert e.dtype is ember.float64 and tuple(e.shape) == tuple(t.shape)
    r = ember.randint_like(x, 5)
    assert r.dtype is ember.float64 and set(r.view(-1).tolist()) <= {0.0, 1.0, 2.0, 3.0, 4.0}
    r = ember.randint_like(x, 2, 5, dtype=ember.int32)
    assert r.dtype is ember.int32 and r.min().item() >= 2 and r.max().item() <= 4
    assert ember.rand_like(x, dtype=ember.float16).dtype is ember.float16
    same_error(lambda m: m.rand_like(m.tensor([1, 2])))
    same_error(lambda m: m.randn_like(m.tensor([1, 2])))


def test_float_only_errors_match_torch():
    same_error(lambda m: m.rand(2, dtype=m.int32))
    same_error(lambda m: m.randn(2, dtype=m.int64))
    same_error(lambda m: m.rand(-1, 3))


# ------------------------------------------------------------------ in-place fills

def test_uniform_fill():
    ember.manual_seed(0)
    x = ember.empty(N)
    assert x.uniform_(-2, 3) is x
    v = np_(x)
    assert v.min() >= -2 and v.max() < 3 and abs(v.mean() - 0.5) < 0.05
    assert abs(v.var() - 25 / 12) < 0.05
    d = ember.empty(10, dtype=ember.float64).uniform_()
    assert d.dtype is ember.float64 and 0 <= d.min().item() and d.max().item() < 1


def test_normal_fill():
    ember.manual_seed(0)
    v = np_(ember.empty(N).normal_(5.0, 0.5))
    assert abs(v.mean() - 5) < 0.01 and abs(v.std() - 0.5) < 0.01


def test_bernoulli_fill():
    ember.manual_seed(0)
    v = np_(ember.empty(N).bernoulli_(0.25))
    assert set(numpy.unique(v)) == {0.0, 1.0} and abs(v.mean() - 0.25) < 0.01
    p = ember.tensor([0.0, 1.0, 0.0, 1.0])
    assert ember.empty(4).bernoulli_(p).tolist() == [0.0, 1.0, 0.0, 1.0]
    i = ember.empty(N, dtype=ember.int32).bernoulli_(0.5)
    assert i.dtype is ember.int32 and abs(np_(i).mean() - 0.5) < 0.01


def test_random_fill_ranges():
    ember.manual_seed(0)
    a = ember.empty(N).random_(2, 5)
    assert set(numpy.unique(a.numpy())) == {2.0, 3.0, 4.0}
    b = ember.zeros(N).random_(5)  # random_(to) draws from [0, to)
    assert set(numpy.unique(b.numpy())) == {0.0, 1.0, 2.0, 3.0, 4.0}
    u = ember.zeros(N, dtype=ember.uint8).random_()
    assert u.min().item() == 0 and u.max().item() == 255
    f = np_(ember.zeros(N).random_())  # floats: integers in [0, 2**24]
    assert f.min() >= 0 and f.max() <= 2 ** 24 and (f == numpy.round(f)).all()
    assert f.max() > 2 ** 23
    h = np_(ember.zeros(N, dtype=ember.float16).random_().float())
    assert h.max() <= 2 ** 11 and (h == numpy.round(h)).all()
    bo = ember.zeros(1000, dtype=ember.bool).random_()
    assert set(bo.tolist()) == {False, True}
    i8 = ember.zeros(N, dtype=ember.int8).random_()
    assert i8.min().item() >= 0 and i8.max().item() == 127


def test_other_fills():
    ember.manual_seed(0)
    e = np_(ember.empty(N).exponential_(2.0))
    assert e.min() >= 0 and abs(e.mean() - 0.5) < 0.01
    g = np_(ember.empty(N).geometric_(0.25))
    assert g.min() >= 1 and abs(g.mean() - 4) < 0.1
    ln = np_(ember.empty(N, dtype=ember.float64).log_normal_(0.0, 0.5))
    assert abs(numpy.log(ln).mean()) < 0.01 and abs(numpy.log(ln).std() - 0.5) < 0.01
    c = np_(ember.empty(N).cauchy_(1.0, 2.0))
    assert abs(numpy.median(c) - 1) < 0.05
    assert abs(numpy.mean(numpy.abs(c - 1) < 2) - 0.5) < 0.01  # half the mass within sigma


def test_fill_errors_match_torch():
    same_error(lambda m: m.ones(3).uniform_(2, 1))
    same_error(lambda m: m.ones(3).uniform_(0, float("inf")))
    same_error(lambda m: m.ones(3).normal_(0, -1))
    same_error(lambda m: m.ones(3).random_(5, 3))
    same_error(lambda m: m.ones(3).exponential_(-1))
    same_error(lambda m: m.ones(3).exponential_(0))
    same_error(lambda m: m.ones(3).geometric_(1.5))
    same_error(lambda m: m.ones(3).log_normal_(0, -1))
    same_error(lambda m: m.ones(3).cauchy_(0, -1))
    same_error(lambda m: m.ones(3).bernoulli_(1.5))
    same_error(lambda m: m.ones(3, dtype=m.int32).uniform_())
    same_error(lambda m: m.ones(3, dtype=m.int32).normal_())
    same_error(lambda m: m.ones(3, dtype=m.int32).exponential_())
    same_error(lambda m: m.ones(3, requires_grad=True).uniform_())


def test_fills_bump_version_and_work_under_no_grad():
    w = ember.ones(3, requires_grad=True)
    v = w._version
    with ember.no_grad():
        w.uniform_(-1, 1)
        w.normal_()
    assert w._version == v + 2 and w.requires_grad and w.is_leaf
