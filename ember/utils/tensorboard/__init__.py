"""TensorBoard logging: `SummaryWriter`, writing event files through the `tensorboard`
package's own event writer (the `tensorboard` extra), which is imported on first use."""
from .writer import SummaryWriter

__all__ = ["SummaryWriter"]
