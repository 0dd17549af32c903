"""gradcheck / gradgradcheck: analytical gradients against central differences in float64."""
import numpy

from . import function as _function


def _is_tensor(x):
    return isinstance(x, _function.Tensor)


class GradcheckError(RuntimeError):
    pass


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _outputs(fn, inputs):
    return tuple(o for o in _as_tuple(fn(*inputs)) if _is_tensor(o))


def _numerical_jacobian(fn, inputs, i, eps):
    """d outputs / d inputs[i], one column per input element, by central differences."""
    x = inputs[i]
    flat = x.data.reshape(-1)  # a view: perturbations write into x
    cols = []
    for k in range(flat.size):
        orig = flat[k].item()
        flat[k] = orig + eps
        plus = [o.detach().data.astype(numpy.float64).reshape(-1).copy()
                for o in _outputs(fn, inputs)]
        flat[k] = orig - eps
        minus = [o.detach().data.astype(numpy.float64).reshape(-1).copy()
                 for o in _outputs(fn, inputs)]
        flat[k] = orig
        cols.append(numpy.concatenate([(p - m) / (2 * eps) for p, m in zip(plus, minus)]))
    return numpy.stack(cols, axis=1) if cols else numpy.zeros((0, 0))


def _analytical_jacobian(fn, inputs, i):
    from . import grad as autograd_grad
    from .._creation import zeros_like
    outs = _outputs(fn, inputs)
    rows = []
    for o in outs:
        flat_n = o.numel()
        for k in range(flat_n):
            if not o.requires_grad:
                rows.append(numpy.zeros(inputs[i].numel()))
                continue
            g = zeros_like(o)
            g.data.reshape(-1)[k] = 1
            (gi,) = autograd_grad([o], [inputs[i]], [g], retain_graph=True, allow_unused=True)
            rows.append(numpy.zeros(inputs[i].numel()) if gi is None else
                        gi.detach().data.astype(numpy.float64).reshape(-1))
    return numpy.stack(rows, axis=0) if rows else numpy.zeros((0, inputs[i].numel()))


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              nondet_tol=0.0, check_undefined_grad=True, fast_mode=False, **_ignored):
    """True when every Jacobian of func at inputs matches its finite-difference estimate."""
    inputs = _as_tuple(inputs)
    for i, x in enumerate(inputs):
        if not (_is_tensor(x) and x.requires_grad):
            continue
        if x.dtype.name not in ("float64", "complex128"):
            import warnings
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating "
                          "point. This check will likely fail if all the inputs are not of "
                          "double precision floating point.")
        numerical = _numerical_jacobian(func, inputs, i, eps)
        analytical = _analytical_jacobian(func, inputs, i)
        if numerical.shape != analytical.shape or not numpy.allclose(
                analytical, numerical, rtol=rtol, atol=atol):
            if not raise_exception:
                return False
            raise GradcheckError(
                f"Jacobian mismatch for output 0 with respect to input {i},\n"
                f"numerical:{numerical}\nanalytical:{analytical}\n")
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  raise_exception=True, **_ignored):
    """gradcheck of the function inputs -> gradients of func (second derivatives)."""
    from . import grad as autograd_grad
    from .._creation import tensor
    inputs = _as_tuple(inputs)
    outs = _outputs(func, inputs)
    if grad_outputs is None:
        rng = numpy.random.default_rng(0)
        grad_outputs = tuple(tensor(rng.standard_normal(o.shape), dtype=o.dtype,
                                    requires_grad=True) for o in outs)
    grad_outputs = _as_tuple(grad_outputs)
    diff_inputs = [x for x in inputs if _is_tensor(x) and x.requires_grad]
    n = len(inputs)

    def first_grads(*all_args):
        ins, gos = all_args[:n], all_args[n:]
        outs = _outputs(func, ins)
        diff = [x for x in ins if _is_tensor(x) and x.requires_grad]
        gs = autograd_grad(outs, diff, gos, create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    del diff_inputs
    return gradcheck(first_grads, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
