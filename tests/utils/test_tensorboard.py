"""SummaryWriter: event files read back with TensorBoard's own reader, and compared with what
torch.utils.tensorboard writes for the same calls."""
import io
import os

import numpy
import pytest

pytest.importorskip("tensorboard")
from PIL import Image
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.plugins.hparams import plugin_data_pb2

import ember
from ember.utils.tensorboard import SummaryWriter


def _read(logdir):
    ea = EventAccumulator(str(logdir), size_guidance={"histograms": 0, "images": 0,
                                                      "scalars": 0, "tensors": 0})
    ea.Reload()
    return ea


def _log_both(tmp_path, calls):
    """Run `calls(writer, lib)` with Ember's writer and torch's; return both readers."""
    import torch
    from torch.utils.tensorboard import SummaryWriter as TorchWriter
    with SummaryWriter(tmp_path / "ember") as w:
        calls(w, ember)
    with TorchWriter(str(tmp_path / "torch")) as w:
        calls(w, torch)
    return _read(tmp_path / "ember"), _read(tmp_path / "torch")


def test_scalars_match_torch(tmp_path):
    def calls(w, lib):
        for step in range(5):
            w.add_scalar("train/loss", lib.tensor(1.0 / (step + 1)), step, walltime=100 + step)
            w.add_scalar("lr", 0.1 * 0.5 ** step, global_step=step)
    ours, theirs = _log_both(tmp_path, calls)
    for tag in ("train/loss", "lr"):
        a, b = ours.Scalars(tag), theirs.Scalars(tag)
        assert [(e.step, e.value) for e in a] == [(e.step, e.value) for e in b]
    assert [e.wall_time for e in ours.Scalars("train/loss")] == [100, 101, 102, 103, 104]


def test_add_scalars_writes_one_run_per_key(tmp_path):
    def calls(w, lib):
        for step in range(3):
            w.add_scalars("loss", {"train": step * 1.0, "val": step * 2.0}, step)
    _log_both(tmp_path, calls)
    for lib in ("ember", "torch"):
        runs = sorted(d for d in os.listdir(tmp_path / lib) if (tmp_path / lib / d).is_dir())
        assert runs == ["loss_train", "loss_val"]
        ea = _read(tmp_path / lib / "loss_val")
        assert [(e.step, e.value) for e in ea.Scalars("loss")] == [(0, 0), (1, 2), (2, 4)]


def test_histogram_statistics(tmp_path):
    values = numpy.random.default_rng(0).standard_normal(2000).astype(numpy.float32)

    def calls(w, lib):
        w.add_histogram("weights", lib.from_numpy(values.copy()), 7)
    ours, theirs = _log_both(tmp_path, calls)
    a = ours.Histograms("weights")[0]
    b = theirs.Histograms("weights")[0]
    assert a.step == b.step == 7
    ha, hb = a.histogram_value, b.histogram_value
    for field in ("min", "max", "num", "sum", "sum_squares"):
        assert getattr(ha, field) == pytest.approx(getattr(hb, field), rel=1e-6)
    assert sum(ha.bucket) == 2000
    assert list(ha.bucket_limit) == sorted(ha.bucket_limit)
    expected, _ = numpy.histogram(values.astype(numpy.float64),
                                  [-numpy.inf] + list(ha.bucket_limit))
    numpy.testing.assert_array_equal(ha.bucket, expected)


def _pixels(image_event):
    return numpy.asarray(Image.open(io.BytesIO(image_event.encoded_image_string)))


def test_images_match_torch(tmp_path):
    rng = numpy.random.default_rng(1)
    chw = rng.random((3, 6, 5)).astype(numpy.float32)
    hwc_u8 = (rng.random((4, 7, 3)) * 255).astype(numpy.uint8)
    batch = rng.random((10, 1, 4, 3)).astype(numpy.float32)

    def calls(w, lib):
        w.add_image("chw", lib.from_numpy(chw.copy()), 0)
        w.add_image("hwc", lib.from_numpy(hwc_u8.copy()), 1, dataformats="HWC")
        w.add_images("batch", lib.from_numpy(batch.copy()), 2)
    ours, theirs = _log_both(tmp_path, calls)
    for tag in ("chw", "hwc", "batch"):
        a, b = ours.Images(tag)[0], theirs.Images(tag)[0]
        assert (a.step, a.width, a.height) == (b.step, b.width, b.height)
        numpy.testing.assert_array_equal(_pixels(a), _pixels(b))


def test_text_matches_torch(tmp_path):
    def calls(w, lib):
        w.add_text("notes", "lr **0.1** and ünïcode", 3)
    ours, theirs = _log_both(tmp_path, calls)
    a, b = ours.Tensors("notes/text_summary")[0], theirs.Tensors("notes/text_summary")[0]
    assert a.step == b.step == 3
    assert a.tensor_proto.string_val == b.tensor_proto.string_val
    assert ours.SummaryMetadata("notes/text_summary").plugin_data.plugin_name == "text"


def test_hparams_session(tmp_path):
    with SummaryWriter(tmp_path) as w:
        w.add_hparams({"lr": 0.01, "optimizer": "adam", "bn": True, "none": None},
                      {"hparam/accuracy": 0.93}, run_name="trial1")
    ea = _read(tmp_path / "trial1")
    content = ea.PluginTagToContent("hparams")
    start = plugin_data_pb2.HParamsPluginData.FromString(
        content["_hparams_/session_start_info"]).session_start_info
    assert start.hparams["lr"].number_value == 0.01
    assert start.hparams["optimizer"].string_value == "adam"
    assert start.hparams["bn"].bool_value is True
    assert "none" not in start.hparams
    experiment = plugin_data_pb2.HParamsPluginData.FromString(
        content["_hparams_/experiment"]).experiment
    assert [m.name.tag for m in experiment.metric_infos] == ["hparam/accuracy"]
    assert ea.Scalars("hparam/accuracy")[0].value == pytest.approx(0.93)
    with pytest.raises(TypeError, match="hparam_dict should be a dictionary"):
        SummaryWriter(tmp_path / "x").add_hparams([("lr", 1)], {})


def test_graph_scopes_ops_by_module(tmp_path):
    net = ember.nn.Sequential(ember.nn.Linear(4, 3), ember.nn.ReLU(), ember.nn.Linear(3, 2))
    with SummaryWriter(tmp_path) as w:
        w.add_graph(net, ember.randn(5, 4))
    graph = _read(tmp_path).Graph()
    nodes = {n.name: n for n in graph.node}
    assert {"input/input.0", "Sequential/0/weight", "Sequential/2/bias",
            "output/output.0"} <= set(nodes)
    relu = [n for n in graph.node if n.op == "Relu"]
    assert len(relu) == 1 and relu[0].name.startswith("Sequential/1/")
    # the output is fed by the last Linear's bias add, which reads the first layer's path
    out_src = nodes[nodes["output/output.0"].input[0]]
    assert out_src.name.startswith("Sequential/2/")
    dims = nodes["output/output.0"].attr["_output_shapes"].list.shape[0].dim
    assert [d.size for d in dims] == [5, 2]


def test_default_logdir_flush_and_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    w = SummaryWriter(comment="_exp")
    assert w.get_logdir().startswith("runs") and w.get_logdir().endswith("_exp")
    w.add_scalar("x", 1.0, 0)
    w.flush()
    assert _read(w.get_logdir()).Scalars("x")[0].value == 1.0
    with pytest.raises(ValueError, match="single number"):
        w.add_scalar("x", ember.ones(3), 1)
    with pytest.raises(ValueError, match="does not match dataformats"):
        w.add_image("img", ember.rand(3, 4), 0)
    w.close()
