"""The op table: one OpSpec per public op, gathered from one file per ops family."""
from . import elementwise, indexing, linalg, reduction, shape
from ._spec import OpSpec, SampleInput  # noqa: F401

OP_DB = elementwise.OPS + reduction.OPS + shape.OPS + indexing.OPS + linalg.OPS
