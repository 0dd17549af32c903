"""Op-table rows for ember/ops/trig.py: trigonometric and hyperbolic functions, atan2,
deg2rad/rad2deg and sinc (with torch's masked gradients at the atan2 origin and sinc at 0).
"""
from ._spec import binary, fixed, unary
from .elementwise import a, i64, row, torch_or_ember


OPS = [
    # ---------------------------------------------------------------- trigonometric
    row("sin", unary(low=-4, high=4)),
    row("Tensor.sin_", unary(), lambda x: x.clone().sin_()),
    row("cos", unary(low=-4, high=4)),
    row("tan", unary(low=-1.2, high=1.2)),
    row("asin", unary(low=-0.9, high=0.9)),
    row("arcsin", unary(low=-0.9, high=0.9)),
    row("acos", unary(low=-0.9, high=0.9)),
    row("arccos", unary(low=-0.9, high=0.9)),
    row("atan", unary(low=-4, high=4)),
    row("arctan", unary()),
    row("atan2", binary(low=-3, high=3)),
    row("arctan2", binary(low=-3, high=3, broadcasting=False)),
    row("atan2_origin", fixed((a([0.0, 1.0, 0.0]), a([0.0, 0.0, -1.0]))), gradcheck=False),
    row("sinh", unary(low=-3, high=3)),
    row("cosh", unary(low=-3, high=3)),
    row("tanh", unary(low=-4, high=4)),
    row("Tensor.tanh_", unary(), lambda x: x.clone().tanh_()),
    row("asinh", unary(low=-4, high=4)),
    row("arcsinh", unary()),
    row("acosh", unary(low=1.1, high=4)),
    row("arccosh", unary(low=1.1, high=4)),
    row("atanh", unary(low=-0.9, high=0.9)),
    row("arctanh", unary(low=-0.9, high=0.9)),
    row("deg2rad", unary(low=-360, high=360)),
    row("rad2deg", unary()),
    row("deg2rad_int", fixed((i64([180, -90]),)), grad=False),
    # the second derivative of torch's sinc formula is nan at exactly 0 (0/0 in the masked
    # branch), so the row with 0 skips gradgrad; sinc_smooth covers it off 0
    row("sinc", unary(include=[0.0]), gradgrad=False),
    row("sinc_smooth", unary(low=0.1, high=2), lambda x: torch_or_ember(x).sinc(x)),
    # ---------------------------------------------------------------- more in-place forms
    row("Tensor.cos_", unary(), lambda x: x.clone().cos_()),
    row("Tensor.atan2_", binary(), lambda x, y: x.clone().atan2_(y)),
    row("Tensor.arcsinh_", unary(), lambda x: x.clone().arcsinh_(), grad=False),  # torch: no grad
    row("Tensor.sinc", unary(low=0.1, high=2), lambda x: x.sinc()),
    row("Tensor.deg2rad_", unary(), lambda x: x.clone().deg2rad_()),
]
