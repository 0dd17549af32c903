"""Train the seeds' CNN on CIFAR-10 (or MNIST) exactly as the PyTorch tutorials do; the only
Ember-specific lines are the imports.

    python examples/train_cifar10.py --data ./data [--dataset cifar10|mnist] [--epochs 2]

The dataset files must already be under --data in torchvision's layout
(data/cifar-10-batches-py/, data/MNIST/raw/); pass --download to fetch them when online.
"""
import argparse

import ember as torch
import ember.nn as nn
import ember.nn.functional as F
import ember.optim as optim
from ember.utils.data import DataLoader
from ember.vision import datasets, transforms


class Net(nn.Module):
    def __init__(self, in_channels=3, side=32):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(64 * (side // 4) ** 2, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        return self.fc2(F.relu(self.fc1(x)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="./data")
    parser.add_argument("--dataset", choices=["cifar10", "mnist"], default="cifar10")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--download", action="store_true")
    args = parser.parse_args()

    if args.dataset == "cifar10":
        transform = transforms.Compose([
            transforms.RandomHorizontalFlip(),
            transforms.ToTensor(),
            transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
        make, net = datasets.CIFAR10, Net(3, 32)
    else:
        transform = transforms.Compose([transforms.ToTensor(),
                                        transforms.Normalize((0.1307,), (0.3081,))])
        make, net = datasets.MNIST, Net(1, 28)
    trainset = make(root=args.data, train=True, download=args.download, transform=transform)
    testset = make(root=args.data, train=False, download=args.download,
                   transform=transforms.Compose(transform.transforms[-2:]))
    trainloader = DataLoader(trainset, batch_size=args.batch_size, shuffle=True,
                             num_workers=args.workers)
    testloader = DataLoader(testset, batch_size=256, num_workers=args.workers)

    criterion = nn.CrossEntropyLoss()
    optimizer = optim.Adam(net.parameters(), lr=1e-3)
    for epoch in range(args.epochs):
        running_loss = 0.0
        for i, (inputs, labels) in enumerate(trainloader):
            optimizer.zero_grad()
            loss = criterion(net(inputs), labels)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
            if i % 200 == 199:
                print(f"[{epoch + 1}, {i + 1:5d}] loss: {running_loss / 200:.3f}")
                running_loss = 0.0

    correct = total = 0
    net.eval()
    with torch.no_grad():
        for images, labels in testloader:
            predicted = net(images).argmax(1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
    print(f"Accuracy of the network on the {total} test images: {100 * correct / total:.1f} %")
    torch.save(net.state_dict(), f"{args.dataset}_net.pth")


if __name__ == "__main__":
    main()
