"""Classification metrics on tensors: accuracy, top-k accuracy, precision, recall, F1 and the
confusion matrix, as functions and as accumulating metric objects (torchmetrics' shape).

Everything is computed from one confusion matrix (rows: true class, columns: predicted
class, as scikit-learn lays it out), so the functions and the objects agree by construction.

- `task`: "binary" (preds are 0/1 labels, or probabilities / logits thresholded at
  `threshold`; logits are recognised as values outside [0, 1] and pass through a sigmoid
  first) or "multiclass" (preds are class indices (N,) or scores (N, C) reduced by argmax).
  Left as None, it is "multiclass" when `num_classes` is given or preds has a class
  dimension, else "binary".
- `average`: "micro" (pool all decisions), "macro" (mean over classes), "weighted" (mean
  weighted by each class's support), "none" or None (one value per class), "binary" (the
  positive class only). Classes that appear in neither preds nor target are left out of
  "macro", as scikit-learn does when its `labels` is not given; a 0/0 ratio counts as 0
  (scikit-learn's zero_division=0).
"""
from ._tensor import Tensor, make_tensor

__all__ = ["accuracy", "confusion_matrix", "f1_score", "precision", "recall",
           "Accuracy", "ConfusionMatrix", "F1Score", "Metric", "Precision", "Recall"]

_AVERAGES = ("micro", "macro", "weighted", "none", None, "binary")


def _array(t, name):
    if isinstance(t, Tensor):
        return t.detach()._data, t.device
    raise TypeError(f"{name} must be a Tensor, got {type(t).__name__}")


def _resolve_task(task, preds, target, num_classes):
    if task is None:
        task = "multiclass" if num_classes is not None or preds.ndim == target.ndim + 1 \
            else "binary"
    if task not in ("binary", "multiclass"):
        raise ValueError(f"task must be 'binary' or 'multiclass', got {task!r}")
    return task


def _labels(xp, preds, target, task, num_classes, threshold):
    """(predicted labels, true labels, number of classes) as integer arrays."""
    xp_target = target.astype("int64", copy=False)
    if task == "binary":
        if preds.dtype.kind == "f":
            if ((preds < 0) | (preds > 1)).any():  # logits: squash first, as torchmetrics
                preds = 1 / (1 + xp.exp(-preds))
            preds = preds > threshold
        return preds.astype("int64"), xp_target, 2
    if preds.ndim == target.ndim + 1:
        if num_classes is None:
            num_classes = preds.shape[1]
        elif preds.shape[1] != num_classes:
            raise ValueError(f"preds has {preds.shape[1]} class scores in dim 1 but "
                             f"num_classes is {num_classes}")
        preds = preds.argmax(1)
    elif preds.shape != target.shape:
        raise ValueError(f"preds of shape {tuple(preds.shape)} does not match target of "
                         f"shape {tuple(target.shape)}")
    preds = preds.astype("int64", copy=False)
    if num_classes is None:
        num_classes = int(max(preds.max(initial=0), xp_target.max(initial=0))) + 1
    if preds.size and (preds.min() < 0 or preds.max() >= num_classes
                       or xp_target.min() < 0 or xp_target.max() >= num_classes):
        raise ValueError(f"class labels must lie in [0, {num_classes}), got preds in "
                         f"[{preds.min()}, {preds.max()}] and target in "
                         f"[{xp_target.min()}, {xp_target.max()}]")
    return preds, xp_target, num_classes


def _confusion(xp, preds, target, num_classes):
    flat = target.reshape(-1) * num_classes + preds.reshape(-1)
    counts = xp.bincount(flat, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes)


def _ratio(num, den):
    out = num.astype("float64")
    out[den == 0] = 0.0
    nonzero = den != 0
    out[nonzero] = num[nonzero] / den[nonzero]
    return out


def _stat_scores(cm):
    tp = cm.diagonal().astype("float64")
    return tp, cm.sum(0) - tp, cm.sum(1) - tp      # tp, fp, fn


def _average(per_class, cm, average, task):
    tp, fp, fn = _stat_scores(cm)
    if average == "binary":
        if task != "binary":
            raise ValueError("average='binary' needs task='binary'; use 'micro', 'macro', "
                             "'weighted' or 'none' for multiclass")
        return per_class[1]
    if average == "weighted":
        support = cm.sum(1).astype("float64")
        return (per_class * support).sum() / support.sum() if support.sum() else 0.0
    if average == "macro":
        present = (tp + fp + fn) > 0
        return per_class[present].mean() if present.any() else 0.0
    if average in ("none", None):
        return per_class
    raise ValueError(f"average must be one of {_AVERAGES}, got {average!r}")


def _default_average(average, task):
    if average == "default":
        return "binary" if task == "binary" else "macro"
    return average


def _out(value, device):
    # value is a Python number or an array of device.xp (tensor() takes host data only)
    return make_tensor(device.xp.asarray(value), device).float()


class _Scores:
    """The confusion matrix of one call, and the statistics every metric reads from it."""
    __slots__ = ("cm", "task", "device")

    def __init__(self, preds, target, task, num_classes, threshold):
        p, device = _array(preds, "preds")
        t, _ = _array(target, "target")
        self.task = _resolve_task(task, p, t, num_classes)
        p, t, n = _labels(device.xp, p, t, self.task, num_classes, threshold)
        self.cm, self.device = _confusion(device.xp, p, t, n), device


def _precision(cm):
    tp, fp, _ = _stat_scores(cm)
    return _ratio(tp, tp + fp)


def _recall(cm):
    tp, _, fn = _stat_scores(cm)
    return _ratio(tp, tp + fn)


def _f1(cm):
    tp, fp, fn = _stat_scores(cm)
    return _ratio(2 * tp, 2 * tp + fp + fn)


def _micro(cm, per_class_fn, average, task):
    # Single-label classification: pooled precision = pooled recall = pooled F1 = accuracy.
    if average == "micro":
        total = cm.sum()
        return cm.trace() / total if total else 0.0
    return _average(per_class_fn(cm), cm, average, task)


def _metric(per_class_fn):
    def compute(preds, target, task=None, num_classes=None, average="default",
                threshold=0.5):
        s = _Scores(preds, target, task, num_classes, threshold)
        average = _default_average(average, s.task)
        return _out(_micro(s.cm, per_class_fn, average, s.task), s.device)
    return compute


precision = _metric(_precision)
precision.__name__ = precision.__qualname__ = "precision"
precision.__doc__ = "tp / (tp + fp), per class then averaged (see the module docstring)."
recall = _metric(_recall)
recall.__name__ = recall.__qualname__ = "recall"
recall.__doc__ = "tp / (tp + fn), per class then averaged (see the module docstring)."
f1_score = _metric(_f1)
f1_score.__name__ = f1_score.__qualname__ = "f1_score"
f1_score.__doc__ = "2 tp / (2 tp + fp + fn), per class then averaged (module docstring)."


def _topk_hits(preds, target, k):
    p, device = _array(preds, "preds")
    t, _ = _array(target, "target")
    if p.ndim != t.ndim + 1:
        raise ValueError(f"top_k={k} needs class scores of shape (N, C); got preds of shape "
                         f"{tuple(p.shape)} for target of shape {tuple(t.shape)}")
    if k > p.shape[1]:
        raise ValueError(f"top_k={k} is larger than the number of classes {p.shape[1]}")
    top = device.xp.argpartition(-p, k - 1, axis=1)[:, :k]
    hits = (top == t.astype("int64")[:, None]).any(1)
    return int(hits.sum()), int(hits.size), device


def accuracy(preds, target, task=None, num_classes=None, average="micro", top_k=1,
             threshold=0.5):
    """Fraction of correct predictions ("micro"), or the mean per-class recall ("macro").
    With top_k > 1 a sample counts as correct when its class is among the k highest scores."""
    if top_k > 1:
        hits, total, device = _topk_hits(preds, target, top_k)
        return _out(hits / total if total else 0.0, device)
    s = _Scores(preds, target, task, num_classes, threshold)
    if average == "micro":
        return _out(_micro(s.cm, None, "micro", s.task), s.device)
    return _out(_average(_recall(s.cm), s.cm, average, s.task), s.device)


def confusion_matrix(preds, target, task=None, num_classes=None, normalize=None,
                     threshold=0.5):
    """(num_classes, num_classes) int64 counts, rows the true class and columns the
    predicted one; normalize 'true' / 'pred' / 'all' divides by rows / columns / the total
    (float32)."""
    s = _Scores(preds, target, task, num_classes, threshold)
    cm = s.cm
    if normalize is None:
        return make_tensor(cm.copy(), s.device)
    if normalize == "true":
        den = cm.sum(1, keepdims=True)
    elif normalize == "pred":
        den = cm.sum(0, keepdims=True)
    elif normalize == "all":
        den = cm.sum()
    else:
        raise ValueError(f"normalize must be None, 'true', 'pred' or 'all', got {normalize!r}")
    den = s.device.xp.broadcast_to(den, cm.shape)
    return _out(_ratio(cm, den), s.device)


class Metric:
    """Accumulates a confusion matrix over `update(preds, target)` calls; `compute()` gives
    the metric over everything seen, `reset()` starts again. Calling the object updates and
    returns the metric of that batch alone, as torchmetrics does."""

    def __init__(self, task=None, num_classes=None, threshold=0.5, **options):
        self.task, self.num_classes, self.threshold = task, num_classes, threshold
        self.options = options
        self.reset()

    def reset(self):
        self._cm = None
        self._task = None
        self._device = None

    def update(self, preds, target):
        self._add(_Scores(preds, target, self.task, self.num_classes, self.threshold))

    def _add(self, s):
        if self._cm is not None and self._cm.shape != s.cm.shape:
            raise ValueError(f"this batch has {s.cm.shape[0]} classes but earlier ones had "
                             f"{self._cm.shape[0]}: pass num_classes to the metric")
        self._cm = s.cm if self._cm is None else self._cm + s.cm
        self._task, self._device = s.task, s.device

    def compute(self):
        if self._cm is None:
            raise RuntimeError(f"{type(self).__name__}.compute() called before any update()")
        return self._value(self._cm, self._task, self._device)

    def __call__(self, preds, target):
        s = _Scores(preds, target, self.task, self.num_classes, self.threshold)
        self._add(s)
        return self._value(s.cm, s.task, s.device)

    def __repr__(self):
        return f"{type(self).__name__}(task={self.task!r}, num_classes={self.num_classes})"


class _AveragedMetric(Metric):
    _per_class = None

    def __init__(self, task=None, num_classes=None, average="default", threshold=0.5):
        super().__init__(task, num_classes, threshold)
        self.average = average

    def _value(self, cm, task, device):
        average = _default_average(self.average, task)
        return _out(_micro(cm, type(self)._per_class, average, task), device)


class Precision(_AveragedMetric):
    _per_class = staticmethod(_precision)


class Recall(_AveragedMetric):
    _per_class = staticmethod(_recall)


class F1Score(_AveragedMetric):
    _per_class = staticmethod(_f1)


class Accuracy(_AveragedMetric):
    def __init__(self, task=None, num_classes=None, average="micro", threshold=0.5):
        super().__init__(task, num_classes, average, threshold)

    def _value(self, cm, task, device):
        if self.average == "micro":
            return _out(_micro(cm, None, "micro", task), device)
        return _out(_average(_recall(cm), cm, self.average, task), device)


class ConfusionMatrix(Metric):
    def _value(self, cm, task, device):
        return make_tensor(cm.copy(), device)
