"""The op table: one OpSpec per public op, gathered from one file per ops family."""
from . import (clamping, comparison, convpool, cumulative, decomposition, einsums, elementwise, indexing,
               joining, linalg, nn, norms, reduction, sampling, shape, sorting, trig,
               unary)
from ._spec import OpSpec, SampleInput  # noqa: F401

OP_DB = (elementwise.OPS + unary.OPS + trig.OPS + clamping.OPS + comparison.OPS +
         reduction.OPS + cumulative.OPS + sorting.OPS + shape.OPS + joining.OPS +
         indexing.OPS + linalg.OPS +
         einsums.OPS + decomposition.OPS + norms.OPS + nn.OPS + convpool.OPS + sampling.OPS)
