"""detect_anomaly / set_detect_anomaly: the first op whose forward or backward made nan is
named, with the Python line that created it; torch's names and flags."""
import inspect
import re
import warnings

import pytest
import torch

import ember

pytestmark = [pytest.mark.filterwarnings("ignore:Anomaly Detection has been enabled"),
              pytest.mark.filterwarnings("ignore::RuntimeWarning")]  # NumPy on nan inputs


def _line():
    return inspect.currentframe().f_back.f_lineno


def _torch_backward_nan_message(make):
    x = torch.tensor([0.0, 1.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with torch.autograd.detect_anomaly(), pytest.raises(RuntimeError) as info:
            (make(torch, x) * 0).sum().backward()
    return str(info.value)


@pytest.mark.parametrize("op", ["sqrt", "pow"])
def test_backward_nan_names_the_node_like_torch_and_the_forward_line(op):
    make = {"sqrt": lambda L, x: L.sqrt(x), "pow": lambda L, x: x ** 0.5}[op]
    expected = _torch_backward_nan_message(make)  # e.g. "Function 'SqrtBackward0' returned..."
    x = ember.tensor([0.0, 1.0], requires_grad=True)
    with ember.autograd.detect_anomaly():
        y = make(ember, x); line = _line()
        z = (y * 0).sum()
        with pytest.raises(RuntimeError) as info:
            z.backward()
    msg = str(info.value)
    assert msg.startswith(expected)
    assert f'File "{__file__}", line {line}' in msg and "make(ember, x)" in msg
    # the innermost frame (where the op itself was called) comes last
    last = re.findall(r'File "(.*)", line (\d+)', msg)[-1]
    assert last == (__file__, str(make.__code__.co_firstlineno))


def test_backward_nan_in_a_composed_graph_names_the_first_node_that_made_it():
    x = ember.tensor([0.0, 4.0], requires_grad=True)
    with ember.autograd.detect_anomaly():
        a = x * 2
        b = ember.sqrt(a); line = _line()
        c = (b * 0).exp().sum()
        with pytest.raises(RuntimeError, match=r"^Function 'SqrtBackward0' returned nan values "
                                               r"in its 0th output\.") as info:
            c.backward()
    assert f"line {line}" in str(info.value)


@pytest.mark.parametrize("case", ["log_negative", "zero_times_inf"])
def test_forward_nan_names_the_op_and_line(case):
    x = ember.tensor([-1.0, 1.0], requires_grad=True)
    inf = ember.tensor([float("inf"), 1.0])
    with ember.autograd.detect_anomaly(), pytest.raises(RuntimeError) as info:
        if case == "log_negative":
            line = _line() + 1
            ember.log(x)
        else:
            line = _line() + 1
            (x + 1) * inf
    msg = str(info.value)
    name = "Log" if case == "log_negative" else "Mul"
    assert re.match(rf"Function '{name}' returned nan values in its 0th output \(forward pass\)",
                    msg)
    assert f'File "{__file__}", line {line}' in msg


def test_forward_nan_is_reported_once_where_it_is_made_not_where_it_propagates():
    x = ember.tensor([float("nan"), 1.0], requires_grad=True)  # nan from the data: not an op's
    with ember.autograd.detect_anomaly():
        y = (x * 2).exp()
    assert y.isnan().tolist() == [True, False]


def test_without_anomaly_mode_nan_flows_like_torch():
    res = {}
    for L in (torch, ember):
        x = L.tensor([0.0, 1.0], requires_grad=True)
        (L.sqrt(x) * 0).sum().backward()
        res[L] = [str(v) for v in x.grad.tolist()]
    assert res[ember] == res[torch] == ["nan", "0.0"]


def test_check_nan_false_records_but_does_not_raise():
    x = ember.tensor([0.0, 1.0], requires_grad=True)
    with ember.autograd.detect_anomaly(check_nan=False):
        assert ember.autograd.is_anomaly_enabled()
        assert not ember.autograd.is_anomaly_check_nan_enabled()
        (ember.sqrt(x) * 0).sum().backward()
        ember.log(ember.tensor([-1.0]))
    assert str(x.grad.tolist()[0]) == "nan"


def test_set_detect_anomaly_flags_match_torch():
    res = {}
    for L in (torch, ember):
        # torch has these two at its top level; ember in ember.autograd
        A = L.autograd
        A.is_anomaly_enabled = getattr(L, "is_anomaly_enabled", None) or A.is_anomaly_enabled
        A.is_anomaly_check_nan_enabled = getattr(L, "is_anomaly_check_nan_enabled", None) or \
            A.is_anomaly_check_nan_enabled
        seen = [A.is_anomaly_enabled()]
        A.set_detect_anomaly(True)
        seen.append(A.is_anomaly_enabled())
        A.set_detect_anomaly(False)
        seen.append(A.is_anomaly_enabled())
        with A.set_detect_anomaly(True, check_nan=False):
            seen.append((A.is_anomaly_enabled(), A.is_anomaly_check_nan_enabled()))
        seen.append((A.is_anomaly_enabled(), A.is_anomaly_check_nan_enabled()))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with A.detect_anomaly():
                seen.append(A.is_anomaly_enabled())
        seen.append(A.is_anomaly_enabled())
        res[L] = seen
    assert res[ember] == res[torch] == [False, True, False, (True, False), (False, True), True,
                                        False]


def test_set_detect_anomaly_true_catches_nan():
    x = ember.tensor([0.0, 1.0], requires_grad=True)
    ember.autograd.set_detect_anomaly(True)
    try:
        y = ember.sqrt(x)
        with pytest.raises(RuntimeError, match="SqrtBackward0"):
            (y * 0).sum().backward()
    finally:
        ember.autograd.set_detect_anomaly(False)


def test_detect_anomaly_as_decorator_and_its_warning():
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        deco = ember.autograd.detect_anomaly()

    @deco
    def f():
        return ember.autograd.is_anomaly_enabled()

    assert f() is True and not ember.autograd.is_anomaly_enabled()


def test_errors_inside_backward_warn_with_the_forward_trace():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    with ember.autograd.detect_anomaly():
        y = x * 1
        z = y * y; line = _line()
        y.add_(1)
        with pytest.warns(UserWarning, match="Error detected in MulBackward0") as rec:
            with pytest.raises(RuntimeError, match="Good luck!"):
                z.sum().backward()
    text = "\n".join(str(w.message) for w in rec)
    assert f"line {line}" in text and "z = y * y" in text
