"""VGG (Simonyan & Zisserman 2014) with torchvision's module names, state_dict keys and init."""
from ember import nn
from ember.ops import flatten

from ._api import build

__all__ = ["VGG", "vgg11", "vgg11_bn", "vgg16", "vgg16_bn"]


class VGG(nn.Module):
    def __init__(self, features, num_classes=1000, init_weights=True, dropout=0.5):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )
        if init_weights:
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    if m.bias is not None:
                        nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0, 0.01)
                    nn.init.constant_(m.bias, 0)

    def forward(self, x):
        x = flatten(self.avgpool(self.features(x)), 1)
        return self.classifier(x)


def make_layers(cfg, batch_norm=False):
    layers = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        else:
            layers.append(nn.Conv2d(in_channels, v, kernel_size=3, padding=1))
            if batch_norm:
                layers.append(nn.BatchNorm2d(v))
            layers.append(nn.ReLU(inplace=True))
            in_channels = v
    return nn.Sequential(*layers)


cfgs = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
}


def _vgg(arch, cfg, batch_norm, weights, pretrained, progress, kwargs):
    if weights is not None or pretrained:
        # Random init would be overwritten by the checkpoint: skip its cost, as torchvision.
        kwargs["init_weights"] = False
    return build(arch, VGG, weights, pretrained, progress, kwargs, make_layers(cfgs[cfg], batch_norm))


def vgg11(*, weights=None, progress=True, pretrained=False, **kwargs):
    """VGG-11 (configuration "A")."""
    return _vgg("vgg11", "A", False, weights, pretrained, progress, kwargs)


def vgg11_bn(*, weights=None, progress=True, pretrained=False, **kwargs):
    """VGG-11 with batch normalization."""
    return _vgg("vgg11_bn", "A", True, weights, pretrained, progress, kwargs)


def vgg16(*, weights=None, progress=True, pretrained=False, **kwargs):
    """VGG-16 (configuration "D")."""
    return _vgg("vgg16", "D", False, weights, pretrained, progress, kwargs)


def vgg16_bn(*, weights=None, progress=True, pretrained=False, **kwargs):
    """VGG-16 with batch normalization."""
    return _vgg("vgg16_bn", "D", True, weights, pretrained, progress, kwargs)
