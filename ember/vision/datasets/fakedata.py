"""FakeData: random images, the same for a given index and random_offset on every call."""
import numpy

from .vision import VisionDataset

__all__ = ["FakeData"]


class FakeData(VisionDataset):
    """size images of image_size (C, H, W) with targets in [0, num_classes); items are
    (PIL image, int). Each item comes from its own generator seeded with index + random_offset,
    so it is reproducible and independent of the global random state (which it leaves alone)."""

    def __init__(self, size=1000, image_size=(3, 224, 224), num_classes=10, transform=None,
                 target_transform=None, random_offset=0):
        super().__init__(None, transform=transform, target_transform=target_transform)
        self.size = size
        self.num_classes = num_classes
        self.image_size = tuple(image_size)
        self.random_offset = random_offset
        if len(self.image_size) != 3 or self.image_size[0] not in (1, 3, 4):
            raise ValueError(f"FakeData: image_size must be (C, H, W) with C in 1, 3, 4, got {image_size}")

    def __getitem__(self, index):
        from PIL import Image
        if not -self.size <= index < self.size:
            raise IndexError(f"{type(self).__name__} index out of range: {index} (size {self.size})")
        index %= self.size
        rng = numpy.random.default_rng(index + self.random_offset)
        img = rng.standard_normal(self.image_size, dtype=numpy.float32)
        target = int(rng.integers(0, self.num_classes))
        # As ToPILImage on a float tensor: scale by 255, then wrap into uint8 like torch's .byte().
        arr = (img * 255).astype(numpy.int64).astype(numpy.uint8).transpose(1, 2, 0)
        pil = Image.fromarray(arr[:, :, 0] if arr.shape[2] == 1 else arr)
        return self._apply(pil, target)

    def __len__(self):
        return self.size
