"""Op-table rows for ember/ops/comparison.py: comparisons, isclose/allclose/equal, logic,
bitwise ops and shifts, and the floating-point classification (isnan ..., signbit).
Every row is grad=False: the results are bool or integer.
"""
import numpy

from ._spec import fixed
from .elementwise import BIN, INF, INT_UNARY, NAN, WITH_SPECIALS, a, i64, row, torch_or_ember


SHIFTS = fixed((i64([1, 3, -8, 5]), i64([2, 64, 1, -1])),
               (a([1, 3, -128], dtype=numpy.int8), 7),
               (a([200, 1], dtype=numpy.uint8), a([9, 3], dtype=numpy.uint8)))
LOGIC = fixed((a([1.0, 0.0, -2.0, NAN]), a([0.0, 0.0, 3.0, 1.0])),
              (i64([1, 0, 3]), a([True, False, False], dtype=bool)))


OPS = [
    # ---------------------------------------------------------------- comparisons
    *[row(n, fixed((a([1.0, 2.0, NAN, 3.0]), a([1.0, 3.0, NAN, 2.0])),
                   (a([[1.0, 2.0], [3.0, 4.0]]), 2.0),
                   (i64([1, 2, 3]), a([1.0, 2.5, 2.9])),
                   (i64([1, 2, 3]), 2.5),
                   (a([44, 3], dtype=numpy.uint8), 300)), grad=False)
      for n in ("eq", "ne", "lt", "le", "gt", "ge")],
    *[row(n, fixed((a([1.0, 2.0, 3.0]), a([2.0, 2.0, 2.0]))), grad=False)
      for n in ("not_equal", "less", "less_equal", "greater", "greater_equal")],
    row("Tensor.__lt__", BIN, lambda x, y: x < y, grad=False),
    row("Tensor.__eq__", fixed((i64([1, 2, 3]), i64([3, 2, 1]))), lambda x, y: x == y,
        grad=False),
    row("isclose", fixed((a([1.0, 2.0, NAN, INF, 1.0]), a([1.000001, 2.1, NAN, INF, -INF])),
                         ((a([1.0, NAN]), a([1.0, NAN])), {"equal_nan": True}),
                         ((a([1.0, 2.0]), a([1.05, 2.5])), {"rtol": 0.1, "atol": 0.0}),
                         (i64([1, 2, 3]), i64([1, 3, 3]))), grad=False),
    row("allclose", fixed((a([1.0, 2.0]), a([1.0, 2.000001])), (a([1.0, 2.0]), a([1.0, 2.1])),
                          (a([1.0, 2.0]), a(1.0))), grad=False),
    row("equal", fixed((i64([1, 2]), a([1.0, 2.0])), (i64([1, 2]), i64([1, 2, 3])),
                       (a([1.0, NAN]), a([1.0, NAN]))), grad=False),
    # ---------------------------------------------------------------- logic and bits
    row("logical_and", LOGIC, grad=False),
    row("logical_or", LOGIC, grad=False),
    row("logical_xor", LOGIC, grad=False),
    row("logical_not", fixed((a([1.0, 0.0, NAN]),), (i64([0, 3]),)), grad=False),
    row("Tensor.logical_not_", fixed((a([True, False], dtype=bool),)),
        lambda x: x.clone().logical_not_(), grad=False),
    *[row(n, fixed((i64([12, -7, 0]), i64([10, 3, 5])), (a([True, False], dtype=bool),
                                                       a([True, True], dtype=bool)),
                   (a([200, 7], dtype=numpy.uint8), a([1, 300], dtype=numpy.int16)),
                   (i64([12, -7]), True), (a([True, False], dtype=bool), i64([3, 2]))),
          grad=False) for n in ("bitwise_and", "bitwise_or", "bitwise_xor")],
    row("Tensor.__and__", fixed((a([True, False], dtype=bool), a([True, True], dtype=bool))),
        lambda x, y: x & y, grad=False),
    row("Tensor.__or__", fixed((i64([1, 2]), i64([4, 2]))), lambda x, y: x | y, grad=False),
    row("Tensor.__xor__", fixed((i64([1, 2]), 3)), lambda x, y: x ^ y, grad=False),
    row("Tensor.bitwise_and_", fixed((i64([5, 6]), i64([3, 3]))),
        lambda x, y: x.clone().bitwise_and_(y), grad=False),
    row("bitwise_not", fixed((i64([0, -1, 5]),), (a([True, False], dtype=bool),),
                             (a([0, 200], dtype=numpy.uint8),)), grad=False),
    row("Tensor.__invert__", fixed((a([True, False], dtype=bool),)), lambda x: ~x, grad=False),
    row("bitwise_left_shift", SHIFTS, grad=False),
    row("bitwise_right_shift", SHIFTS, grad=False),
    row("Tensor.__lshift__", fixed((i64([1, 3]), 2)), lambda x, s: x << s, grad=False),
    row("Tensor.__rshift__", fixed((i64([-8, 9]), 1)), lambda x, s: x >> s, grad=False),
    # ---------------------------------------------------------------- classification
    row("signbit", WITH_SPECIALS, grad=False),
    row("signbit_int", INT_UNARY, lambda x: x.signbit(), grad=False),
    *[row(n, WITH_SPECIALS, grad=False) for n in ("isnan", "isinf", "isfinite", "isposinf",
                                                 "isneginf", "isreal")],
    row("isnan_int", INT_UNARY, lambda x: torch_or_ember(x).isnan(x) | x.isinf(), grad=False),
    # ---------------------------------------------------------------- more in-place forms
    row("Tensor.lt_", fixed((a([1.0, 2.0, 3.0]), a([2.0, 2.0, 2.0])), (i64([1, 2]), 1.5)),
        lambda x, y: x.clone().lt_(y), grad=False),
    row("Tensor.eq_", fixed((i64([1, 2]), i64([1, 3]))), lambda x, y: x.clone().eq_(y),
        grad=False),
    row("Tensor.logical_and_", fixed((i64([1, 0, 2]), a([1.0, 1.0, 0.0]))),
        lambda x, y: x.clone().logical_and_(y), grad=False),
    row("Tensor.bitwise_left_shift_", SHIFTS, lambda x, y: x.clone().bitwise_left_shift_(y),
        grad=False),
    row("Tensor.bitwise_not_", fixed((i64([0, 5]),)), lambda x: x.clone().bitwise_not_(),
        grad=False),
    row("Tensor.bitwise_or_", fixed((i64([5, 6]), i64([3, 8]))),
        lambda x, y: x.clone().bitwise_or_(y), grad=False),
    row("Tensor.logical_not_float", fixed((a([1.0, 0.0, NAN]),)),
        lambda x: x.clone().logical_not_(), grad=False),
]
