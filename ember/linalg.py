"""torch.linalg: the linear-algebra namespace. Everything lives in ember/ops/linalg.py
(products), decomposition.py and norms.py (as linalg_<name>); this module only gives it
torch.linalg's names."""
from .ops.decomposition import LinAlgError  # noqa: F401
from .ops.decomposition import linalg_cholesky as cholesky  # noqa: F401
from .ops.decomposition import linalg_det as det  # noqa: F401
from .ops.decomposition import linalg_eigh as eigh  # noqa: F401
from .ops.decomposition import linalg_eigvalsh as eigvalsh  # noqa: F401
from .ops.decomposition import linalg_inv as inv  # noqa: F401
from .ops.decomposition import linalg_lstsq as lstsq  # noqa: F401
from .ops.decomposition import linalg_matrix_exp as matrix_exp  # noqa: F401
from .ops.decomposition import linalg_matrix_rank as matrix_rank  # noqa: F401
from .ops.decomposition import linalg_pinv as pinv  # noqa: F401
from .ops.decomposition import linalg_qr as qr  # noqa: F401
from .ops.decomposition import linalg_slogdet as slogdet  # noqa: F401
from .ops.decomposition import linalg_solve as solve  # noqa: F401
from .ops.decomposition import linalg_solve_triangular as solve_triangular  # noqa: F401
from .ops.decomposition import linalg_svd as svd  # noqa: F401
from .ops.decomposition import linalg_svdvals as svdvals  # noqa: F401
from .ops.decomposition import linalg_tensorinv as tensorinv  # noqa: F401
from .ops.decomposition import linalg_tensorsolve as tensorsolve  # noqa: F401
from .ops.linalg import linalg_cross as cross  # noqa: F401
from .ops.linalg import linalg_diagonal as diagonal  # noqa: F401
from .ops.linalg import linalg_matrix_power as matrix_power  # noqa: F401
from .ops.linalg import linalg_multi_dot as multi_dot  # noqa: F401
from .ops.linalg import linalg_vecdot as vecdot  # noqa: F401
from .ops.linalg import matmul  # noqa: F401
from .ops.norms import linalg_cond as cond  # noqa: F401
from .ops.norms import linalg_matrix_norm as matrix_norm  # noqa: F401
from .ops.norms import linalg_norm as norm  # noqa: F401
from .ops.norms import linalg_vector_norm as vector_norm  # noqa: F401

__all__ = ["LinAlgError", "cholesky", "cond", "cross", "det", "diagonal", "eigh", "eigvalsh",
           "inv", "lstsq", "matmul", "matrix_exp", "matrix_norm", "matrix_power", "matrix_rank",
           "multi_dot", "norm", "pinv", "qr", "slogdet", "solve", "solve_triangular", "svd",
           "svdvals", "tensorinv", "tensorsolve", "vecdot", "vector_norm"]
