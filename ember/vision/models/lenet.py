"""LeNet-5 (LeCun et al. 1998) for 3x32x32 inputs, the layout of the classic CIFAR-10 tutorial.

torchvision has no LeNet; module names follow that tutorial (conv1, pool, conv2, fc1..fc3).
"""
from ember import nn
from ember.nn import functional as F
from ember.ops import flatten

__all__ = ["LeNet"]


class LeNet(nn.Module):
    def __init__(self, num_classes=10, in_channels=3):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)

    def forward(self, x):
        if x.dim() != 4 or x.shape[-2:] != (32, 32):
            raise ValueError(f"LeNet expects input of shape (N, C, 32, 32), got {tuple(x.shape)}")
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)
