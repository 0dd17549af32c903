"""Grad-mode switches against torch: context managers, decorators, nesting, threads."""
import threading

import pytest
import torch

import ember


def _record(L):
    x = L.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    return y.requires_grad, y.grad_fn is not None


@pytest.fixture(params=[torch, ember], ids=["torch", "ember"])
def L(request):
    return request.param


def test_no_grad_context_and_nesting(L):
    assert L.is_grad_enabled() and _record(L) == (True, True)
    with L.no_grad():
        assert not L.is_grad_enabled() and _record(L) == (False, False)
        with L.enable_grad():
            assert L.is_grad_enabled() and _record(L) == (True, True)
        assert not L.is_grad_enabled()
    assert L.is_grad_enabled()


def test_modes_restore_after_an_exception(L):
    with pytest.raises(ValueError), L.no_grad():
        raise ValueError
    assert L.is_grad_enabled()


def test_decorators_with_and_without_parentheses(L):
    @L.no_grad()
    def a():
        return L.is_grad_enabled()

    @L.no_grad
    def b():
        return L.is_grad_enabled()

    @L.enable_grad
    def c():
        return L.is_grad_enabled()

    @L.set_grad_enabled(False)
    def d():
        return L.is_grad_enabled()

    @L.inference_mode
    def e():
        return L.is_grad_enabled(), L.is_inference_mode_enabled()

    @L.inference_mode(False)
    def f():
        return L.is_grad_enabled(), L.is_inference_mode_enabled()

    assert L.is_grad_enabled()  # making the decorators changed nothing
    assert (a(), b(), d()) == (False, False, False)
    with L.no_grad():
        assert c() is True
        assert f() == (True, False)
    assert e() == (False, True)
    assert a.__name__ == "a" and b.__name__ == "b"
    assert L.is_grad_enabled()


def test_decorated_generator_keeps_the_mode_per_step(L):
    @L.no_grad()
    def gen():
        yield L.is_grad_enabled()
        yield L.is_grad_enabled()

    g = gen()
    assert next(g) is False
    assert L.is_grad_enabled()
    assert next(g) is False


def test_set_grad_enabled_as_call_and_as_context(L):
    L.set_grad_enabled(False)
    try:
        assert not L.is_grad_enabled() and _record(L) == (False, False)
    finally:
        L.set_grad_enabled(True)
    assert L.is_grad_enabled()
    with L.set_grad_enabled(False):
        assert not L.is_grad_enabled()
        with L.set_grad_enabled(True):
            assert L.is_grad_enabled() and _record(L) == (True, True)
        assert not L.is_grad_enabled()
    assert L.is_grad_enabled()


def test_inference_mode_nesting(L):
    with L.inference_mode():
        assert not L.is_grad_enabled() and L.is_inference_mode_enabled()
        assert _record(L) == (False, False)
        with L.inference_mode(False):
            assert L.is_grad_enabled() and not L.is_inference_mode_enabled()
        assert not L.is_grad_enabled() and L.is_inference_mode_enabled()
    assert L.is_grad_enabled() and not L.is_inference_mode_enabled()
    with L.no_grad(), L.inference_mode(False):  # torch re-enables grad mode here
        assert L.is_grad_enabled()


def test_grad_mode_is_thread_local(L):
    seen = {}

    def worker():
        seen["worker_before"] = L.is_grad_enabled()
        with L.no_grad():
            seen["worker_inside"] = L.is_grad_enabled()
            ready.set()
            main_checked.wait(5)
        seen["worker_record"] = _record(L)

    ready, main_checked = threading.Event(), threading.Event()
    with L.no_grad():
        t = threading.Thread(target=worker)
        t.start()
        ready.wait(5)
        seen["main_inside"] = L.is_grad_enabled()
        main_checked.set()
        t.join(5)
    ready.clear()
    t = threading.Thread(target=worker)
    main_checked.clear()
    t.start()
    ready.wait(5)
    seen["main_while_worker_no_grad"] = L.is_grad_enabled()
    seen["main_record"] = _record(L)
    main_checked.set()
    t.join(5)
    assert seen == {"worker_before": True, "worker_inside": False, "worker_record": (True, True),
                    "main_inside": False, "main_while_worker_no_grad": True,
                    "main_record": (True, True)}


def test_backward_inside_no_grad_still_computes_gradients(L):
    x = L.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    with L.no_grad():
        y.backward()
    assert x.grad.tolist() == [2.0, 4.0]


def test_in_place_on_leaf_is_allowed_under_no_grad(L):
    x = L.tensor([1.0, 2.0], requires_grad=True)
    with L.no_grad():
        x.mul_(2)
    assert x.is_leaf and x.requires_grad and x.tolist() == [2.0, 4.0]
    (x * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]
