"""Summary protocol buffers for each kind of record SummaryWriter writes.

TensorBoard's protos are imported here, on first use, so `import ember.utils.tensorboard`
works without the package and says what to install when it is missing."""
import time

import numpy

_PROTOS = None


def protos():
    """The protobuf modules of the `tensorboard` package (one import, then cached)."""
    global _PROTOS
    if _PROTOS is None:
        try:
            from tensorboard.compat.proto import (attr_value_pb2, event_pb2, graph_pb2,
                                                  node_def_pb2, summary_pb2, tensor_pb2,
                                                  tensor_shape_pb2, types_pb2, versions_pb2)
            from tensorboard.plugins.hparams import api_pb2, plugin_data_pb2
        except ImportError as e:
            raise ImportError("SummaryWriter needs the tensorboard package: "
                              "pip install 'ember[tensorboard]'") from e
        _PROTOS = dict(attr=attr_value_pb2, event=event_pb2, graph=graph_pb2,
                       node=node_def_pb2, summary=summary_pb2, tensor=tensor_pb2,
                       shape=tensor_shape_pb2, types=types_pb2, versions=versions_pb2,
                       hp_api=api_pb2, hp_data=plugin_data_pb2)
    return _PROTOS


def to_numpy(value):
    """A Tensor, array or number as a NumPy array (detached, on the CPU)."""
    if hasattr(value, "detach") and hasattr(value, "cpu"):
        return value.detach().cpu().numpy()
    return numpy.asarray(value)


def scalar(tag, value):
    value = to_numpy(value)
    if value.size != 1:
        raise ValueError(f"add_scalar needs a single number for {tag!r}, got an array of "
                         f"shape {value.shape}")
    s = protos()["summary"]
    return s.Summary(value=[s.Summary.Value(tag=tag, simple_value=float(value.reshape(()))) ])


def _edges(values, bins, max_bins):
    if isinstance(bins, str) and bins == "tensorflow":
        # TensorFlow's default buckets: +-1e-12 * 1.1**k, symmetric about zero, covering
        # the data's range (a log scale resolves both tiny and large weights).
        top = max(abs(values.min()), abs(values.max()), 1e-12)
        k = int(numpy.ceil(numpy.log(top / 1e-12) / numpy.log(1.1))) + 1
        pos = 1e-12 * 1.1 ** numpy.arange(k)
        edges = numpy.concatenate([-pos[::-1], [0.0], pos])
        keep = (edges >= values.min() - pos[-1]) & (edges <= values.max() + pos[-1])
        edges = edges[keep] if keep.sum() >= 2 else edges
    else:
        edges = numpy.histogram_bin_edges(values, bins=bins)
    if max_bins is not None and len(edges) - 1 > max_bins:
        step = int(numpy.ceil((len(edges) - 1) / max_bins))
        edges = numpy.append(edges[::step], edges[-1]) if (len(edges) - 1) % step else \
            edges[::step]
    return edges


def histogram(tag, values, bins="tensorflow", max_bins=None):
    values = to_numpy(values).astype(numpy.float64).ravel()
    if values.size == 0:
        raise ValueError(f"add_histogram got no values for {tag!r}")
    if not numpy.isfinite(values).all():
        raise ValueError(f"add_histogram got NaN or infinite values for {tag!r}")
    counts, edges = numpy.histogram(values, bins=_edges(values, bins, max_bins))
    s = protos()["summary"]
    histo = s.HistogramProto(min=values.min(), max=values.max(), num=values.size,
                             sum=values.sum(), sum_squares=float(values @ values),
                             bucket_limit=edges[1:].tolist(), bucket=counts.tolist())
    return s.Summary(value=[s.Summary.Value(tag=tag, histo=histo)])


def _hwc(img, dataformats):
    """An image array in layout `dataformats` (CHW, HWC, HW) as HWC with 1, 3 or 4 channels."""
    fmt = dataformats.upper()
    if img.ndim != len(fmt):
        raise ValueError(f"image of shape {img.shape} does not match dataformats "
                         f"{dataformats!r}")
    if fmt == "HW":
        img = img[:, :, None]
    else:
        img = img.transpose([fmt.index(c) for c in "HWC"])
    if img.shape[2] == 2 or img.shape[2] > 4:
        raise ValueError(f"an image has 1, 3 or 4 channels, got {img.shape[2]}")
    return img


def _uint8(img):
    if img.dtype == numpy.uint8:
        return img
    # Float images are taken in [0, 1] and scaled by 255, truncating, as torch's writer does.
    return numpy.clip(img.astype(numpy.float32) * 255, 0, 255).astype(numpy.uint8)


def _png(hwc):
    import io

    from PIL import Image
    mode = {1: "L", 3: "RGB", 4: "RGBA"}[hwc.shape[2]]
    buf = io.BytesIO()
    Image.fromarray(hwc[:, :, 0] if mode == "L" else hwc, mode).save(buf, format="PNG")
    return buf.getvalue()


def image(tag, img, dataformats="CHW"):
    hwc = _uint8(_hwc(to_numpy(img), dataformats))
    s = protos()["summary"]
    encoded = s.Summary.Image(height=hwc.shape[0], width=hwc.shape[1],
                              colorspace=hwc.shape[2], encoded_image_string=_png(hwc))
    return s.Summary(value=[s.Summary.Value(tag=tag, image=encoded)])


def image_grid(imgs, dataformats="NCHW", ncols=8):
    """A batch of images tiled row by row, `ncols` to a row, as one CHW array."""
    imgs = to_numpy(imgs)
    fmt = dataformats.upper()
    if imgs.ndim != len(fmt) or "N" not in fmt:
        raise ValueError(f"images of shape {imgs.shape} do not match dataformats "
                         f"{dataformats!r}")
    order = [fmt.index(c) for c in "NCHW" if c in fmt]
    imgs = imgs.transpose(order)
    if imgs.ndim == 3:                                   # NHW: one channel
        imgs = imgs[:, None]
    if imgs.shape[1] == 1:
        imgs = numpy.repeat(imgs, 3, axis=1)
    n, c, h, w = imgs.shape
    cols = min(n, ncols)
    rows = -(-n // cols)
    grid = numpy.zeros((c, rows * h, cols * w), dtype=imgs.dtype)
    for i in range(n):
        r, q = divmod(i, cols)
        grid[:, r * h:(r + 1) * h, q * w:(q + 1) * w] = imgs[i]
    return grid


def text(tag, string):
    p = protos()
    s, t = p["summary"], p["tensor"]
    meta = s.SummaryMetadata(plugin_data=s.SummaryMetadata.PluginData(plugin_name="text"))
    tensor = t.TensorProto(dtype=p["types"].DT_STRING, string_val=[string.encode("utf-8")],
                           tensor_shape=p["shape"].TensorShapeProto(
                               dim=[p["shape"].TensorShapeProto.Dim(size=1)]))
    return s.Summary(value=[s.Summary.Value(tag=tag + "/text_summary", metadata=meta,
                                            tensor=tensor)])


def _hp_summary(tag, data):
    s = protos()["summary"]
    meta = s.SummaryMetadata(plugin_data=s.SummaryMetadata.PluginData(
        plugin_name="hparams", content=data.SerializeToString()))
    return s.Summary(value=[s.Summary.Value(tag=tag, metadata=meta)])


def hparams(hparam_dict, metric_dict, hparam_domain_discrete=None):
    """The hparams plugin's three records: the experiment (names of hyperparameters and
    metrics), the session's start (the values) and its end (success)."""
    if not isinstance(hparam_dict, dict):
        raise TypeError("hparam_dict should be a dictionary, nothing logged.")
    if not isinstance(metric_dict, dict):
        raise TypeError("metric_dict should be a dictionary, nothing logged.")
    hparam_domain_discrete = hparam_domain_discrete or {}
    api, data = protos()["hp_api"], protos()["hp_data"]
    from google.protobuf import struct_pb2

    start = data.SessionStartInfo(start_time_secs=time.time())
    infos = []
    for name, value in hparam_dict.items():
        if value is None:
            continue
        if isinstance(value, bool):
            start.hparams[name].bool_value = value
            kind = api.DATA_TYPE_BOOL
        elif isinstance(value, (int, float)):
            start.hparams[name].number_value = value
            kind = api.DATA_TYPE_FLOAT64
        elif isinstance(value, str):
            start.hparams[name].string_value = value
            kind = api.DATA_TYPE_STRING
        elif hasattr(value, "item"):
            start.hparams[name].number_value = float(value.item())
            kind = api.DATA_TYPE_FLOAT64
        else:
            raise ValueError(f"hparam {name!r} must be a number, string or bool, got "
                             f"{type(value).__name__}")
        info = api.HParamInfo(name=name, type=kind)
        if name in hparam_domain_discrete:
            domain = hparam_domain_discrete[name]
            field = {api.DATA_TYPE_BOOL: "bool_value", api.DATA_TYPE_STRING: "string_value"
                     }.get(kind, "number_value")
            info.domain_discrete.CopyFrom(struct_pb2.ListValue(
                values=[struct_pb2.Value(**{field: d}) for d in domain]))
        infos.append(info)
    metrics = [api.MetricInfo(name=api.MetricName(tag=k)) for k in metric_dict]
    experiment = api.Experiment(hparam_infos=infos, metric_infos=metrics)
    return (_hp_summary("_hparams_/experiment", data.HParamsPluginData(
                version=0, experiment=experiment)),
            _hp_summary("_hparams_/session_start_info", data.HParamsPluginData(
                version=0, session_start_info=start)),
            _hp_summary("_hparams_/session_end_info", data.HParamsPluginData(
                version=0, session_end_info=data.SessionEndInfo(status=api.STATUS_SUCCESS))))
