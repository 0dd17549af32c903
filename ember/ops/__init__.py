"""Every operation, by family. Each family lists its torch-public functions in __all__;
ember/__init__.py re-exports those, and Tensor's methods reach everything through here."""
from . import clamping, comparison, copy, cumulative, decomposition, einsums, elementwise, indexing, inplace, joining, linalg, nn, norms, reduction, shape, sorting, trig, unary
from .clamping import *  # noqa: F401,F403
from .comparison import *  # noqa: F401,F403
from .copy import *  # noqa: F401,F403
from .cumulative import *  # noqa: F401,F403
from .decomposition import *  # noqa: F401,F403
from .einsums import *  # noqa: F401,F403
from .elementwise import *  # noqa: F401,F403
from .indexing import *  # noqa: F401,F403
from .joining import *  # noqa: F401,F403
from .linalg import *  # noqa: F401,F403
from .nn import *  # noqa: F401,F403
from .norms import *  # noqa: F401,F403
from .reduction import *  # noqa: F401,F403
from .shape import *  # noqa: F401,F403
from .sorting import *  # noqa: F401,F403
from .trig import *  # noqa: F401,F403
from .unary import *  # noqa: F401,F403
# internal entry points used by Tensor methods (not part of torch's top-level namespace)
from .copy import address, copy_, to, to_numpy  # noqa: F401
from .indexing import getitem, setitem  # noqa: F401
from .inplace import fill_diagonal_, fill_random_, inplace  # noqa: F401
from .joining import repeat  # noqa: F401
from .decomposition import linalg_det, linalg_inv  # noqa: F401
from .shape import canonical_dim, canonical_dims, expand, view, view_dtype  # noqa: F401

__all__ = (copy.__all__ + elementwise.__all__ + unary.__all__ + trig.__all__ +
           clamping.__all__ + comparison.__all__ + indexing.__all__ + linalg.__all__ + nn.__all__ +
           decomposition.__all__ + einsums.__all__ + norms.__all__ +
           reduction.__all__ + cumulative.__all__ + sorting.__all__ +
           shape.__all__ + joining.__all__)
