"""ember.vision.datasets: torchvision's datasets reading torchvision's on-disk layouts."""
from .cifar import CIFAR10, CIFAR100
from .digits import Digits
from .fakedata import FakeData
from .folder import IMG_EXTENSIONS, DatasetFolder, ImageFolder, default_loader
from .mnist import MNIST, FashionMNIST
from .vision import VisionDataset

__all__ = [
           "CIFAR10",
           "CIFAR100",
           "IMG_EXTENSIONS",
           "MNIST",
           "DatasetFolder",
           "Digits",
           "FakeData",
           "FashionMNIST",
           "ImageFolder",
           "VisionDataset",
           "default_loader",
]
