"""Op-table rows for the sampling family (ember/ops/sampling.py, ember/ops/embedding_bag.py):
interpolate in every mode (align_corners both ways, size vs scale_factor, recompute),
pixel/channel shuffles, unfold and fold, embedding_bag."""
import warnings

import numpy
import torch.nn.functional as TF

from ember.ops import embedding_bag as EB
from ember.ops import sampling as ES

from ._spec import OpSpec, SampleInput, rand

# (size, scale_factor) choices: upsampling, downsampling, a non-integral factor whose
# 1/scale differs from in/out (torch uses the factor), and recompute_scale_factor
_SIZING = ({"size": 7}, {"size": 2}, {"scale_factor": 1.7}, {"scale_factor": 0.6},
           {"scale_factor": 2.0}, {"scale_factor": 1.7, "recompute_scale_factor": True})


def _interp_samples(nd, align_corners_options):
    # 3-D: smaller and fewer samples, finite differences there cost the most
    shape = (1, 2, 4, 3, 3) if nd == 3 else (2, 2) + (5, 4)[:nd]
    sizings = _SIZING[1:3] if nd == 3 else _SIZING

    def make(rng):
        out = []
        for sizing in sizings:
            kw = dict(sizing)
            if "size" in kw:
                kw["size"] = tuple([kw["size"], kw["size"] + 1, 3][:nd])
            for ac in align_corners_options:
                k = dict(kw)
                if ac is not None:
                    k["align_corners"] = ac
                out.append(SampleInput((rand(rng, shape),), k))
        return out
    return make


def _interp_row(mode, nd, align_corners_options, **flags):
    return OpSpec(f"nn.functional.interpolate.{mode}.{nd}d",
                  lambda x, **kw: ES.interpolate(x, mode=mode, **kw),
                  lambda x, **kw: TF.interpolate(x, mode=mode, **kw),
                  _interp_samples(nd, align_corners_options), **flags)


_AC = (False, True)


def _quiet(fn, *args, **kwargs):
    """A deprecated alias, called without its (tested elsewhere) deprecation warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)

OPS = [
    _interp_row("nearest", 1, (None,)),
    _interp_row("nearest", 2, (None,)),
    _interp_row("nearest", 3, (None,)),
    _interp_row("nearest-exact", 1, (None,)),
    _interp_row("nearest-exact", 2, (None,)),
    _interp_row("area", 1, (None,)),
    _interp_row("area", 2, (None,)),
    _interp_row("area", 3, (None,)),
    _interp_row("linear", 1, _AC),
    _interp_row("bilinear", 2, _AC),
    _interp_row("bicubic", 2, _AC),
    _interp_row("trilinear", 3, _AC),
    OpSpec("nn.functional.upsample_bilinear",
           lambda x, **kw: _quiet(ES.upsample_bilinear, x, **kw),
           lambda x, **kw: TF.interpolate(x, mode="bilinear", align_corners=True, **kw),
           lambda rng: [SampleInput((rand(rng, (1, 2, 3, 4)),), {"size": (5, 6)}),
                        SampleInput((rand(rng, (1, 2, 3, 4)),), {"scale_factor": 2})]),
    OpSpec("nn.functional.pixel_shuffle", ES.pixel_shuffle, TF.pixel_shuffle,
           lambda rng: [SampleInput((rand(rng, (2, 8, 3, 2)), 2)),
                        SampleInput((rand(rng, (9, 2, 3)), 3)),
                        SampleInput((rand(rng, (2, 1, 4, 2, 3)), 2))]),
    OpSpec("nn.functional.pixel_unshuffle", ES.pixel_unshuffle, TF.pixel_unshuffle,
           lambda rng: [SampleInput((rand(rng, (2, 2, 4, 6)), 2)),
                        SampleInput((rand(rng, (1, 6, 3)), 3)),
                        SampleInput((rand(rng, (2, 1, 2, 4, 2)), 2))]),
    OpSpec("nn.functional.channel_shuffle", ES.channel_shuffle, TF.channel_shuffle,
           lambda rng: [SampleInput((rand(rng, (2, 6, 3, 2)), 3)),
                        SampleInput((rand(rng, (2, 4, 5)), 2))]),
    OpSpec("nn.functional.unfold", ES.unfold, TF.unfold,
           lambda rng: [SampleInput((rand(rng, (2, 3, 5, 4)), 2)),
                        SampleInput((rand(rng, (2, 5, 4)),), {"kernel_size": (2, 3), "padding": 1}),
                        SampleInput((rand(rng, (1, 2, 7, 6)),),
                                    {"kernel_size": (3, 2), "dilation": (2, 1), "padding": (1, 2),
                                         "stride": (2, 3)})]),
    OpSpec("nn.functional.fold", ES.fold, TF.fold,
           lambda rng: [SampleInput((rand(rng, (2, 12, 12)), (4, 5), 2)),
                        SampleInput((rand(rng, (6, 24)), (5, 4)),
                                    {"kernel_size": (2, 3), "padding": 1}),
                        SampleInput((rand(rng, (1, 12, 9)), (7, 6)),
                                    {"kernel_size": (3, 2), "dilation": (2, 1), "padding": (1, 2),
                                         "stride": (2, 3)})]),
]


# ---------------------------------------------------------------- embedding_bag

def _bag_samples(rng):
    w = rand(rng, (10, 3))
    flat = numpy.array([1, 2, 4, 5, 4, 3, 2, 9])
    return [
        SampleInput((flat, w, numpy.array([0, 0, 4, 8])), {"mode": "sum"}),
        SampleInput((flat, w, numpy.array([0, 3, 5])), {"mode": "mean"}),
        SampleInput((flat, w, numpy.array([0, 3, 5])), {"mode": "max"}),
        # the last offset closes the last bag (torch's float32 and float64 kernels disagree
        # when it does not equal the input's length)
        SampleInput((flat, w, numpy.array([0, 2, 3, 8])), {"mode": "mean",
                                                               "include_last_offset": True}),
        SampleInput((numpy.array([[1, 2, 2], [5, 2, 3]]), w, None), {"mode": "mean",
                                                                      "padding_idx": 2}),
        SampleInput((numpy.array([[2, 2], [5, 4]]), w, None), {"mode": "max", "padding_idx": 2}),
        SampleInput((flat, w, numpy.array([0, 3]), rand(rng, (8,))), {"mode": "sum"}),
    ]


def _bag(fn):
    # per_sample_weights positional, so that the harness makes it a tensor needing grad
    def f(input, weight, offsets, per_sample_weights=None, **kw):
        return fn(input, weight, offsets, per_sample_weights=per_sample_weights, **kw)
    return f


OPS += [
    # max: a gather of the maximal rows; finite differences at a tie would cross the kink,
    # and the samples have no ties in weight, so gradcheck stays on
    OpSpec("nn.functional.embedding_bag", _bag(EB.embedding_bag),
           _bag(TF.embedding_bag), _bag_samples),
]
