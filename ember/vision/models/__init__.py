"""ember.vision.models: torchvision's classification architectures (same state_dict keys)."""
from .alexnet import AlexNet, alexnet
from .lenet import LeNet
from .mobilenetv2 import MobileNetV2, mobilenet_v2
from .resnet import BasicBlock, Bottleneck, ResNet, resnet18, resnet34, resnet50
from .vgg import VGG, vgg11, vgg11_bn, vgg16, vgg16_bn

__all__ = [
           "VGG",
           "AlexNet",
           "BasicBlock",
           "Bottleneck",
           "LeNet",
           "MobileNetV2",
           "ResNet",
           "alexnet",
           "mobilenet_v2",
           "resnet18",
           "resnet34",
           "resnet50",
           "vgg11",
           "vgg11_bn",
           "vgg16",
           "vgg16_bn",
]
