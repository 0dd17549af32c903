"""ember.metrics against scikit-learn's results on the same labels."""
import numpy
import pytest
from sklearn import metrics as skm

import ember
from ember import metrics


def _multiclass(seed=0, n=200, c=5):
    rng = numpy.random.default_rng(seed)
    scores = rng.standard_normal((n, c)).astype(numpy.float32)
    target = rng.integers(0, c, n)
    return scores, target


@pytest.mark.parametrize("average", ["micro", "macro", "weighted"])
@pytest.mark.parametrize("name,sk", [("precision", skm.precision_score),
                                     ("recall", skm.recall_score),
                                     ("f1_score", skm.f1_score)])
def test_multiclass_scores_match_sklearn(name, sk, average):
    scores, target = _multiclass()
    pred = scores.argmax(1)
    fn = getattr(metrics, name)
    got = fn(ember.tensor(scores), ember.tensor(target), num_classes=5, average=average)
    want = sk(target, pred, average=average, zero_division=0)
    assert got.dtype == ember.float32
    assert got.item() == pytest.approx(want, rel=1e-6)
    # class indices give the same value as scores
    got_idx = fn(ember.tensor(pred), ember.tensor(target), num_classes=5, average=average)
    assert got_idx.item() == pytest.approx(want, rel=1e-6)


def test_per_class_and_missing_class_like_sklearn():
    # class 3 never appears in target or preds: sklearn's macro leaves it out
    target = numpy.array([0, 1, 2, 2, 1, 0, 4, 4, 4])
    pred = numpy.array([0, 2, 2, 2, 1, 1, 4, 0, 4])
    for name, sk in [("precision", skm.precision_score), ("recall", skm.recall_score),
                     ("f1_score", skm.f1_score)]:
        fn = getattr(metrics, name)
        macro = fn(ember.tensor(pred), ember.tensor(target), num_classes=5, average="macro")
        assert macro.item() == pytest.approx(sk(target, pred, average="macro",
                                                zero_division=0), rel=1e-6)
        per = fn(ember.tensor(pred), ember.tensor(target), num_classes=5, average="none")
        want = sk(target, pred, average=None, labels=range(5), zero_division=0)
        numpy.testing.assert_allclose(per.numpy(), want, rtol=1e-6)


def test_binary_with_probabilities_and_logits():
    rng = numpy.random.default_rng(1)
    target = rng.integers(0, 2, 100)
    logits = rng.standard_normal(100).astype(numpy.float32) * 3
    probs = 1 / (1 + numpy.exp(-logits))
    pred = (probs > 0.5).astype(int)
    for name, sk in [("precision", skm.precision_score), ("recall", skm.recall_score),
                     ("f1_score", skm.f1_score)]:
        fn = getattr(metrics, name)
        want = sk(target, pred)
        assert fn(ember.tensor(probs), ember.tensor(target)).item() == pytest.approx(want)
        assert fn(ember.tensor(logits), ember.tensor(target)).item() == pytest.approx(want)
    assert metrics.accuracy(ember.tensor(probs), ember.tensor(target)).item() == \
        pytest.approx(skm.accuracy_score(target, pred))


def test_accuracy_and_top_k():
    scores, target = _multiclass(2, n=300, c=6)
    acc = metrics.accuracy(ember.tensor(scores), ember.tensor(target), num_classes=6)
    assert acc.item() == pytest.approx(skm.accuracy_score(target, scores.argmax(1)))
    for k in (2, 3):
        got = metrics.accuracy(ember.tensor(scores), ember.tensor(target), top_k=k)
        want = skm.top_k_accuracy_score(target, scores, k=k, labels=range(6))
        assert got.item() == pytest.approx(want)
    macro = metrics.accuracy(ember.tensor(scores), ember.tensor(target), average="macro")
    assert macro.item() == pytest.approx(skm.balanced_accuracy_score(target, scores.argmax(1)))


@pytest.mark.parametrize("normalize", [None, "true", "pred", "all"])
def test_confusion_matrix_matches_sklearn(normalize):
    scores, target = _multiclass(3, n=150, c=4)
    pred = scores.argmax(1)
    got = metrics.confusion_matrix(ember.tensor(scores), ember.tensor(target), num_classes=4,
                                   normalize=normalize)
    want = skm.confusion_matrix(target, pred, labels=range(4), normalize=normalize)
    assert got.dtype == (ember.int64 if normalize is None else ember.float32)
    numpy.testing.assert_allclose(got.numpy(), want, rtol=1e-6)


def test_metric_objects_accumulate_over_batches():
    scores, target = _multiclass(4, n=120, c=5)
    pred = scores.argmax(1)
    f1 = metrics.F1Score(num_classes=5, average="macro")
    cm = metrics.ConfusionMatrix(num_classes=5)
    acc = metrics.Accuracy(num_classes=5)
    for lo in range(0, 120, 32):
        s, t = ember.tensor(scores[lo:lo + 32]), ember.tensor(target[lo:lo + 32])
        batch = f1(s, t)
        assert batch.item() == pytest.approx(
            skm.f1_score(target[lo:lo + 32], pred[lo:lo + 32], average="macro",
                         zero_division=0))
        cm.update(s, t)
        acc.update(s, t)
    assert f1.compute().item() == pytest.approx(skm.f1_score(target, pred, average="macro"))
    numpy.testing.assert_array_equal(cm.compute().numpy(),
                                     skm.confusion_matrix(target, pred, labels=range(5)))
    assert acc.compute().item() == pytest.approx(skm.accuracy_score(target, pred))
    acc.reset()
    with pytest.raises(RuntimeError, match="before any update"):
        acc.compute()


def test_bad_input_errors():
    with pytest.raises(ValueError, match=r"preds of shape \(3,\) does not match target"):
        metrics.precision(ember.tensor([0, 1, 2]), ember.tensor([0, 1]), num_classes=3)
    with pytest.raises(ValueError, match=r"class labels must lie in \[0, 3\)"):
        metrics.recall(ember.tensor([0, 5]), ember.tensor([0, 1]), num_classes=3)
    with pytest.raises(ValueError, match="average must be one of"):
        metrics.f1_score(ember.tensor([0, 1]), ember.tensor([0, 1]), num_classes=2,
                         average="samples")
    with pytest.raises(ValueError, match="top_k=4 is larger than the number of classes 3"):
        metrics.accuracy(ember.randn(5, 3), ember.tensor([0, 1, 2, 0, 1]), top_k=4)
    with pytest.raises(TypeError, match="preds must be a Tensor"):
        metrics.accuracy([0, 1], ember.tensor([0, 1]))
