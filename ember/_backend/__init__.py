"""Kernels whose code differs between NumPy and CuPy, one module each, same function names."""
