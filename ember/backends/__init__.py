"""torch.backends: switches for the GPU libraries under Ember (cuBLAS through CuPy, cuDNN).

Plain module attributes, read by the code that uses them (`ember.backends.cudnn.allow_tf32`
by the convolution path, `ember.backends.cuda.matmul.allow_tf32` pushed to CuPy). Importing
this package imports neither CuPy nor cuDNN.
"""
from . import cuda, cudnn, mps  # noqa: F401
