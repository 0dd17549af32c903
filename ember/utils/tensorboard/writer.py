"""SummaryWriter: torch.utils.tensorboard's writer, recording through TensorBoard's own
EventFileWriter so any TensorBoard reads the files."""
import os
import socket
import time
from datetime import datetime

from . import _summary


def _default_logdir(comment):
    stamp = datetime.now().strftime("%b%d_%H-%M-%S")
    return os.path.join("runs", f"{stamp}_{socket.gethostname()}{comment}")


class _FileWriter:
    """One event file: wraps TensorBoard's EventFileWriter (a queue and a flushing thread)."""

    def __init__(self, logdir, max_queue, flush_secs, filename_suffix):
        try:
            from tensorboard.summary.writer.event_file_writer import EventFileWriter
        except ImportError as e:
            raise ImportError("SummaryWriter needs the tensorboard package: "
                              "pip install 'ember[tensorboard]'") from e
        self.logdir = str(logdir)
        self._writer = EventFileWriter(self.logdir, max_queue, flush_secs, filename_suffix)

    def add_event(self, event, step=None, walltime=None):
        event.wall_time = time.time() if walltime is None else walltime
        if step is not None:
            event.step = int(step)
        self._writer.add_event(event)

    def add_summary(self, summary, step=None, walltime=None):
        self.add_event(_summary.protos()["event"].Event(summary=summary), step, walltime)

    def flush(self):
        self._writer.flush()

    def close(self):
        self._writer.close()


class SummaryWriter:
    """Writes scalars, histograms, images, text, hyperparameters and the model graph to
    event files under `log_dir` (default runs/DATETIME_HOSTNAME{comment})."""

    def __init__(self, log_dir=None, comment="", purge_step=None, max_queue=10,
                 flush_secs=120, filename_suffix=""):
        self.log_dir = str(log_dir) if log_dir is not None else _default_logdir(comment)
        self.purge_step = purge_step
        self.max_queue, self.flush_secs = max_queue, flush_secs
        self.filename_suffix = filename_suffix
        self._file_writer = None
        self._scalar_writers = {}
        self._get_file_writer()

    def _get_file_writer(self):
        if self._file_writer is None:
            self._file_writer = _FileWriter(self.log_dir, self.max_queue, self.flush_secs,
                                            self.filename_suffix)
            event = _summary.protos()["event"]
            if self.purge_step is not None:
                # A restarted run: tell TensorBoard to drop what the old run wrote from here.
                self._file_writer.add_event(event.Event(
                    step=self.purge_step, session_log=event.SessionLog(
                        status=event.SessionLog.START)), self.purge_step)
                self.purge_step = None
            else:
                self._file_writer.add_event(event.Event(file_version="brain.Event:2"))
        return self._file_writer

    def get_logdir(self):
        return self.log_dir

    def add_scalar(self, tag, scalar_value, global_step=None, walltime=None, new_style=False,
                   double_precision=False):
        self._get_file_writer().add_summary(_summary.scalar(tag, scalar_value), global_step,
                                            walltime)

    def add_scalars(self, main_tag, tag_scalar_dict, global_step=None, walltime=None):
        """Each entry goes to its own run, log_dir/{main_tag}_{tag}, under the tag main_tag,
        so TensorBoard draws them on one chart."""
        walltime = time.time() if walltime is None else walltime
        for tag, value in tag_scalar_dict.items():
            path = os.path.join(self.log_dir, f"{main_tag}_{tag}".replace("/", "_"))
            writer = self._scalar_writers.get(path)
            if writer is None:
                writer = self._scalar_writers[path] = _FileWriter(
                    path, self.max_queue, self.flush_secs, self.filename_suffix)
            writer.add_summary(_summary.scalar(main_tag, value), global_step, walltime)

    def add_histogram(self, tag, values, global_step=None, bins="tensorflow", walltime=None,
                      max_bins=None):
        self._get_file_writer().add_summary(_summary.histogram(tag, values, bins, max_bins),
                                            global_step, walltime)

    def add_image(self, tag, img_tensor, global_step=None, walltime=None, dataformats="CHW"):
        self._get_file_writer().add_summary(_summary.image(tag, img_tensor, dataformats),
                                            global_step, walltime)

    def add_images(self, tag, img_tensor, global_step=None, walltime=None,
                   dataformats="NCHW"):
        grid = _summary.image_grid(img_tensor, dataformats)
        self.add_image(tag, grid, global_step, walltime, dataformats="CHW")

    def add_text(self, tag, text_string, global_step=None, walltime=None):
        self._get_file_writer().add_summary(_summary.text(tag, text_string), global_step,
                                            walltime)

    def add_hparams(self, hparam_dict, metric_dict, hparam_domain_discrete=None,
                    run_name=None, global_step=None):
        """Hyperparameters and their metrics as one run of TensorBoard's HPARAMS tab, in the
        sub-directory run_name (default: the current time)."""
        records = _summary.hparams(hparam_dict, metric_dict, hparam_domain_discrete)
        logdir = os.path.join(self.log_dir, run_name or str(time.time()))
        with SummaryWriter(log_dir=logdir) as run:
            for record in records:
                run._get_file_writer().add_summary(record, global_step)
            for key, value in metric_dict.items():
                run.add_scalar(key, value, global_step)

    def add_graph(self, model, input_to_model=None, verbose=False, use_strict_trace=True):
        """The graph of one forward of `model` on `input_to_model`: every op with its module
        scope, the parameters it reads, and the inputs and outputs."""
        from ._graph import trace_graph
        graph = trace_graph(model, input_to_model)
        if verbose:
            print(graph)
        event = _summary.protos()["event"].Event(graph_def=graph.SerializeToString())
        self._get_file_writer().add_event(event)

    def flush(self):
        for writer in [self._file_writer, *self._scalar_writers.values()]:
            if writer is not None:
                writer.flush()

    def close(self):
        for writer in [self._file_writer, *self._scalar_writers.values()]:
            if writer is not None:
                writer.flush()
                writer.close()
        self._file_writer = None
        self._scalar_writers = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
