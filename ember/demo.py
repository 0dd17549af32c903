"""Ember's demo: train a small CNN on the handwritten digits shipped inside the package.

    python -m ember.demo [--epochs 15] [--batch-size 32] [--device cpu] [--out ember-demo]

It trains with Adam while a progress bar shows loss and accuracy, evaluates on the held-out
split (accuracy, macro-F1, confusion matrix), logs to TensorBoard (when the tensorboard
package is installed), saves a checkpoint, reloads it into a fresh model and checks that it
reproduces the accuracy. The code is PyTorch's: only the imports name ember."""
import argparse
import os
import sys
import time

import ember as torch
from ember import metrics, nn
from ember.utils.data import DataLoader
from ember.vision import datasets, transforms


class DigitsCNN(nn.Module):
    """The seeds' CNN (conv-relu-pool twice, then two linear layers), sized for 1x8x8."""

    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(64 * 2 * 2, 128), nn.ReLU(), nn.Linear(128, num_classes))

    def forward(self, x):
        return self.classifier(self.features(x))


def _progress(iterable, desc):
    try:
        from tqdm import tqdm
    except ImportError:                      # tqdm is an extra: plain output without it
        print(desc)
        return iterable
    return tqdm(iterable, desc=desc, leave=True, file=sys.stdout, dynamic_ncols=True)


def evaluate(model, loader, device):
    model.eval()
    preds, targets = [], []
    with torch.no_grad():
        for x, y in loader:
            preds.append(model(x.to(device)).argmax(1).cpu())
            targets.append(y)
    return torch.cat(preds), torch.cat(targets)


def _writer(out):
    try:
        from ember.utils.tensorboard import SummaryWriter
        return SummaryWriter(os.path.join(out, "tensorboard"))
    except ImportError:
        print("(tensorboard not installed: no logs; pip install 'ember[demo]')")
        return None


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m ember.demo", description=__doc__.split(
        "\n")[0])
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--out", default="ember-demo", help="directory for logs and checkpoint")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    torch.manual_seed(args.seed)
    device = torch.device(args.device)
    to_tensor = transforms.ToTensor()         # 8x8 grey PIL image -> 1x8x8 float in [0, 1]
    train_set = datasets.Digits(train=True, transform=to_tensor)
    test_set = datasets.Digits(train=False, transform=to_tensor)
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    test_loader = DataLoader(test_set, batch_size=256)
    print(f"digits: {len(train_set)} training and {len(test_set)} test images of 8x8")

    model = DigitsCNN().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()
    os.makedirs(args.out, exist_ok=True)
    writer = _writer(args.out)
    step = 0
    for epoch in range(1, args.epochs + 1):
        model.train()
        seen = correct = 0
        total_loss = 0.0
        bar = _progress(train_loader, f"epoch {epoch}/{args.epochs}")
        for x, y in bar:
            x, y = x.to(device), y.to(device)
            optimizer.zero_grad()
            logits = model(x)
            loss = loss_fn(logits, y)
            loss.backward()
            optimizer.step()
            seen += len(y)
            correct += (logits.argmax(1) == y).sum().item()
            total_loss += loss.item() * len(y)
            step += 1
            if hasattr(bar, "set_postfix"):
                bar.set_postfix(loss=f"{total_loss / seen:.4f}", acc=f"{correct / seen:.3f}")
        if writer is not None:
            writer.add_scalar("train/loss", total_loss / seen, epoch)
            writer.add_scalar("train/accuracy", correct / seen, epoch)

    pred, target = evaluate(model, test_loader, device)
    accuracy = metrics.accuracy(pred, target, num_classes=10).item()
    macro_f1 = metrics.f1_score(pred, target, num_classes=10, average="macro").item()
    print(f"test accuracy {accuracy:.4f}  macro-F1 {macro_f1:.4f}")
    print("confusion matrix (rows: true digit, columns: predicted):")
    print(metrics.confusion_matrix(pred, target, num_classes=10).numpy())
    if writer is not None:
        writer.add_scalar("test/accuracy", accuracy, args.epochs)
        writer.add_scalar("test/macro_f1", macro_f1, args.epochs)
        writer.close()

    path = os.path.join(args.out, "digits_cnn.pt")
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                "epochs": args.epochs}, path)
    restored = DigitsCNN().to(device)
    restored.load_state_dict(torch.load(path)["model"])
    again = metrics.accuracy(evaluate(restored, test_loader, device)[0], target,
                             num_classes=10).item()
    status = "reproduces" if again == accuracy else "DOES NOT reproduce"
    print(f"checkpoint {path} reloaded: accuracy {again:.4f} ({status} the trained model)")
    print(f"done in {time.perf_counter() - start:.1f} s")
    return 0 if again == accuracy else 1


if __name__ == "__main__":
    sys.exit(main())
