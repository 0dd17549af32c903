"""default_collate / default_convert against torch.utils.data's."""
import collections

import numpy
import pytest
import torch
import torch.utils.data as tud

import ember
from ember.utils.data import default_collate, default_convert

Pair = collections.namedtuple("Pair", "a b")


def _same(e, t):
    """Same structure, container types, values and dtypes."""
    if isinstance(t, torch.Tensor):
        assert isinstance(e, ember.Tensor)
        assert str(e.dtype) == str(t.dtype) and tuple(e.shape) == tuple(t.shape)
        numpy.testing.assert_array_equal(e.numpy(), t.numpy())
    elif isinstance(t, dict):
        assert type(e) is type(t) and list(e) == list(t)
        for k in t:
            _same(e[k], t[k])
    elif isinstance(t, (list, tuple)):
        assert type(e) is type(t) and len(e) == len(t)
        for a, b in zip(e, t):
            _same(a, b)
    else:
        assert e == t


def _to_torch(x):
    if isinstance(x, ember.Tensor):
        return torch.tensor(x.numpy())
    if isinstance(x, dict):
        return {k: _to_torch(v) for k, v in x.items()}
    if isinstance(x, Pair):
        return Pair(*map(_to_torch, x))
    if isinstance(x, (list, tuple)):
        return type(x)(map(_to_torch, x))
    return x


CASES = {
    "floats": [1.5, 2.0, -3.25],
    "ints": [1, 2, 3],
    "bools": [True, False],
    "strings": ["a", "bc"],
    "numpy_scalars": [numpy.float32(1.5), numpy.float32(2)],
    "numpy_int_scalars": [numpy.int16(1), numpy.int16(7)],
    "numpy_arrays": [numpy.ones((2, 3), numpy.int32), numpy.zeros((2, 3), numpy.int32)],
    "tensors": [ember.arange(6).reshape(2, 3).float(), ember.ones(2, 3)],
    "dicts": [{"x": 1, "y": (2.0, "s")}, {"x": 3, "y": (4.0, "t")}],
    "namedtuples": [Pair(1, ember.ones(2)), Pair(3, ember.zeros(2))],
    "tuples": [(ember.ones(2), 1, "a"), (ember.zeros(2), 2, "b")],
    "lists": [[1.0, [2, 3]], [4.0, [5, 6]]],
}


@pytest.mark.parametrize("name", list(CASES))
def test_default_collate_matches_torch(name):
    batch = CASES[name]
    _same(default_collate(batch), tud.default_collate([_to_torch(b) for b in batch]))


def test_default_collate_dtypes():
    assert default_collate([1.0, 2.0]).dtype == ember.float64
    assert default_collate([1, 2]).dtype == ember.int64
    assert default_collate([True, False]).dtype == ember.bool
    assert default_collate([numpy.zeros(2, numpy.float16)] * 2).dtype == ember.float16


def test_default_convert_matches_torch():
    for data in ([numpy.ones(2), numpy.float64(3)], {"a": numpy.arange(3)}, (numpy.int8(1), "s"),
                 Pair(numpy.ones(1), 2), numpy.array(["x", "y"]), "text", 5):
        e = default_convert(data)
        t = tud.default_convert(data)
        if isinstance(t, numpy.ndarray):
            assert isinstance(e, numpy.ndarray) and (e == t).all()
        else:
            _same(e, t)


def test_mismatched_shapes_name_the_field_and_shapes():
    batch = [{"image": ember.ones(3, 4), "label": 0}, {"image": ember.ones(3, 5), "label": 1}]
    with pytest.raises(RuntimeError, match=r"field \['image'\].*\[3, 4\] at entry 0 and "
                                           r"\[3, 5\] at entry 1"):
        default_collate(batch)
    with pytest.raises(RuntimeError, match=r"field \[0\]\['pix'\].*\[2\] at entry 0 and "
                                           r"\[1\] at entry 2"):
        default_collate([({"pix": numpy.ones(2)},), ({"pix": numpy.ones(2)},),
                         ({"pix": numpy.ones(1)},)])
    with pytest.raises(RuntimeError, match=r"field \['b'\]"):
        default_collate([Pair(1, ember.ones(2)), Pair(1, ember.ones(3))])
    # torch raises RuntimeError too (from stack), so code catching it keeps working
    with pytest.raises(RuntimeError):
        tud.default_collate([torch.ones(2), torch.ones(3)])


def test_bad_batches_raise_torchs_errors():
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal "
                                           "size"):
        default_collate([[1, 2], [3]])
    with pytest.raises(TypeError, match="default_collate: batch must contain tensors, numpy "
                                        "arrays, numbers, dicts or lists; found <class "
                                        "'object'>"):
        default_collate([object(), object()])
    with pytest.raises(TypeError, match="found <U1"):
        default_collate([numpy.array(["a"]), numpy.array(["b"])])
