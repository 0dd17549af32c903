"""Op-table rows for convolutions, pooling and normalisation (ember/ops/conv.py,
ember/ops/pooling.py, ember/ops/normalization.py), called through their module paths.

Both code paths of each fast op are covered: max pooling without padding (strided views)
and with padding/ceil mode (window gathers), average pooling likewise, adaptive pooling with
and without equal windows, convolution columns kept from forward and rebuilt. Pooling rows
named *_ties use integer-valued samples, so windows hold equal maxima: torch sends the
gradient to the first one, and finite differences cannot, hence no gradcheck there.
"""
import numpy
import torch
import torch.nn.functional as TF

import ember
import ember.ops.conv as EC
import ember.ops.normalization as EN
import ember.ops.pooling as EP

from ._spec import OpSpec, SampleInput, rand

# (values, indices) rows: gradgradcheck would need a grad_output for the int64 indices
TUPLE = {"gradgrad": False}


def s(*shapes, low=-2.0, high=2.0, ints=False, **kwargs):
    """One sample of random arrays of the given shapes (integer-valued floats for ties)."""
    def make(rng):
        arrs = []
        for shape in shapes:
            a = rng.integers(-2, 3, size=shape).astype(numpy.float64) if ints \
                else rand(rng, shape, low, high)
            arrs.append(a)
        return [SampleInput(tuple(arrs), dict(kwargs))]
    return make


def many(*makers):
    def make(rng):
        out = []
        for m in makers:
            out += m(rng)
        return out
    return make


def pair(name, e_fn, t_fn, samples, **kw):
    return OpSpec(name, e_fn, t_fn, samples, **kw)


def _eval_bn(mod):
    rm = numpy.array([0.1, -0.2, 0.3])
    rv = numpy.array([1.5, 0.5, 2.0])

    def f(x, w, b):
        t = ember.tensor if mod is EN else torch.tensor
        mean = t(rm.astype(numpy.float32), device=x.device)
        var = t(rv.astype(numpy.float32), device=x.device)
        if x.dtype != mean.dtype:
            mean, var = mean.to(x.dtype), var.to(x.dtype)
        return mod.batch_norm(x, mean, var, w, b, training=False)
    return f


def _bn_running(mod):
    # the running buffers after one training step: momentum and the unbiased variance
    def f(x):
        t = ember if mod is EN else torch
        mean = t.zeros(3, dtype=x.dtype, device=x.device)
        var = t.ones(3, dtype=x.dtype, device=x.device)
        y = mod.batch_norm(x, mean, var, training=True, momentum=0.3)
        return y, mean, var
    return f


OPS = [
    # ---- convolutions (one N-d implementation: every dimensionality and option)
    pair("conv1d", EC.conv1d, TF.conv1d,
         many(s((2, 4, 7), (6, 2, 3), (6,), stride=2, padding=1, groups=2),
              s((4, 5), (3, 4, 2), dilation=2)), atol=1e-4),  # second sample: unbatched
    pair("conv2d", EC.conv2d, TF.conv2d,
         many(s((2, 3, 6, 5), (4, 3, 3, 3), (4,), padding=1),
              s((2, 2, 7, 7), (3, 2, 3, 2), stride=2, dilation=(2, 1), padding=(1, 0)),
              s((2, 4, 3, 3), (6, 2, 1, 1), groups=2)), atol=1e-4),
    pair("conv2d_same", EC.conv2d, TF.conv2d,
         many(s((1, 2, 5, 6), (3, 2, 2, 4), padding="same"),
              s((2, 5, 4), (2, 2, 3, 3), padding="valid")), atol=1e-4),
    pair("conv3d", EC.conv3d, TF.conv3d,
         s((1, 2, 4, 4, 3), (3, 2, 2, 2, 2), (3,), stride=(1, 2, 1), padding=1), atol=1e-4),
    pair("conv_transpose1d", EC.conv_transpose1d, TF.conv_transpose1d,
         s((2, 4, 5), (4, 3, 3), (3,), stride=2, padding=1, output_padding=1), atol=1e-4),
    pair("conv_transpose2d", EC.conv_transpose2d, TF.conv_transpose2d,
         many(s((2, 4, 3, 3), (4, 3, 3, 3), (3,), stride=2, padding=1, output_padding=1),
              s((1, 4, 3, 4), (4, 1, 2, 3), groups=2, dilation=(2, 1)),
              s((1, 2, 3, 3), (2, 2, 2, 2), dilation=2, output_padding=1)), atol=1e-4),
    pair("conv_transpose3d", EC.conv_transpose3d, TF.conv_transpose3d,
         s((1, 2, 2, 3, 2), (2, 2, 2, 2, 2), stride=2), atol=1e-4),
    pair("conv2d_int64", EC.conv2d, TF.conv2d,
         lambda rng: [SampleInput((rng.integers(-3, 4, (1, 2, 4, 4)),
                                   rng.integers(-3, 4, (3, 2, 3, 3))))], grad=False),

    # ---- max pooling: strided views (no padding) and window gathers (padding, ceil mode)
    pair("max_pool2d", EP.max_pool2d, TF.max_pool2d,
         many(s((2, 3, 6, 6), kernel_size=2), s((2, 7, 5), kernel_size=3, stride=2),
              s((1, 2, 9, 9), kernel_size=2, stride=3, dilation=2))),
    pair("max_pool2d_overlap", EP.max_pool2d, TF.max_pool2d,
         s((2, 2, 5, 6), kernel_size=(3, 2), stride=1)),
    pair("max_pool2d_padded", EP.max_pool2d, TF.max_pool2d,
         many(s((2, 2, 5, 5), kernel_size=3, stride=2, padding=1, ceil_mode=True),
              s((1, 2, 7, 6), kernel_size=2, ceil_mode=True))),
    pair("max_pool2d_ties", EP.max_pool2d, TF.max_pool2d,
         many(s((2, 3, 6, 6), kernel_size=2, ints=True),
              s((2, 3, 6, 6), kernel_size=3, stride=1, ints=True),
              s((2, 3, 6, 6), kernel_size=3, stride=2, padding=1, ints=True)), gradcheck=False),
    pair("max_pool2d_indices", lambda x: EP.max_pool2d(x, 2, return_indices=True),
         lambda x: TF.max_pool2d(x, 2, return_indices=True),
         many(s((2, 3, 5, 4)), s((1, 6, 4), ints=True)), gradcheck=False, **TUPLE),
    pair("max_pool2d_indices_padded",
         lambda x: EP.max_pool2d(x, 3, 2, 1, return_indices=True),
         lambda x: TF.max_pool2d(x, 3, 2, 1, return_indices=True), s((2, 2, 6, 5)), **TUPLE),
    pair("max_pool2d_nan", lambda x: EP.max_pool2d(x, 2, 1, return_indices=True),
         lambda x: TF.max_pool2d(x, 2, 1, return_indices=True),
         lambda rng: [SampleInput((numpy.array([[[1.0, numpy.nan, 2.0], [numpy.nan, 0.5, 3.0],
                                                 [4.0, 4.0, numpy.nan]]]),))], grad=False),
    pair("max_pool2d_int64", EP.max_pool2d, TF.max_pool2d,
         lambda rng: [SampleInput((rng.integers(-5, 5, (2, 4, 4)), 2))], grad=False),
    pair("max_pool1d", EP.max_pool1d, TF.max_pool1d,
         many(s((2, 3, 9), kernel_size=3, stride=2), s((2, 8), kernel_size=2, padding=1))),
    pair("adaptive_max_pool2d", EP.adaptive_max_pool2d, TF.adaptive_max_pool2d,
         many(s((2, 3, 7, 5), output_size=(3, 2)), s((2, 4, 4), output_size=2))),
    pair("adaptive_max_pool1d", EP.adaptive_max_pool1d, TF.adaptive_max_pool1d,
         s((2, 3, 7), output_size=3)),

    # ---- average pooling: strided views (no padding) and window gathers
    pair("avg_pool2d", EP.avg_pool2d, TF.avg_pool2d,
         many(s((2, 3, 6, 6), kernel_size=2), s((2, 7, 5), kernel_size=3, stride=(2, 1)),
              s((1, 2, 5, 5), kernel_size=2, divisor_override=3))),
    pair("avg_pool2d_padded", EP.avg_pool2d, TF.avg_pool2d,
         many(s((2, 2, 5, 5), kernel_size=3, stride=2, padding=1),
              s((2, 2, 5, 6), kernel_size=3, stride=2, padding=1, count_include_pad=False,
                ceil_mode=True))),
    pair("avg_pool1d", EP.avg_pool1d, TF.avg_pool1d,
         many(s((2, 3, 8), kernel_size=2), s((2, 9), kernel_size=3, stride=2, padding=1))),
    pair("adaptive_avg_pool2d", EP.adaptive_avg_pool2d, TF.adaptive_avg_pool2d,
         many(s((2, 3, 6, 4), output_size=(3, 2)), s((2, 3, 4, 4), output_size=1),
              s((2, 7, 5), output_size=(3, 2)))),
    pair("adaptive_avg_pool1d", EP.adaptive_avg_pool1d, TF.adaptive_avg_pool1d,
         many(s((2, 3, 8), output_size=4), s((2, 7), output_size=3))),

    # ---- normalisation
    pair("batch_norm", lambda x, w, b: EN.batch_norm(x, None, None, w, b, training=True),
         lambda x, w, b: TF.batch_norm(x, None, None, w, b, training=True),
         many(s((4, 3), (3,), (3,)), s((2, 3, 4, 3), (3,), (3,))), atol=1e-4),
    pair("batch_norm_eval", _eval_bn(EN), _eval_bn(TF), s((2, 3, 4), (3,), (3,))),
    pair("batch_norm_running", _bn_running(EN), _bn_running(TF), s((4, 3, 2)), grad=False),
    pair("layer_norm", EN.layer_norm, TF.layer_norm,
         many(s((2, 3, 4), normalized_shape=(4,)),
              lambda rng: [SampleInput((rand(rng, (2, 3, 4)), (3, 4), rand(rng, (3, 4)),
                                        rand(rng, (3, 4))))]), atol=1e-4),
    pair("group_norm", EN.group_norm, TF.group_norm,
         many(lambda rng: [SampleInput((rand(rng, (2, 6, 3)), 3, rand(rng, (6,)),
                                        rand(rng, (6,))))],
              lambda rng: [SampleInput((rand(rng, (2, 4, 2, 2)), 2))]), atol=1e-4),
    pair("instance_norm", EN.instance_norm, TF.instance_norm,
         s((2, 3, 5), weight=None), atol=1e-4),
]
