"""gradcheck / gradgradcheck: analytical gradients against central differences in float64."""
import warnings

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


def _flat64(t):
    """A float64 copy (outputs may be views of the input being perturbed)."""
    return numpy.array(_function.Tensor.__array__(t.detach()), dtype=numpy.float64).reshape(-1)


def _numerical_jacobians(fn, inputs, i, eps, n_outs):
    """d outputs[j] / d inputs[i] for every output j, one column per input element, by
    central differences (written into the input's own memory, whatever its strides)."""
    x = inputs[i]
    a = x._data
    cols = [[] for _ in range(n_outs)]
    for k in range(a.size):
        idx = numpy.unravel_index(k, a.shape)
        orig = a[idx].item()
        a[idx] = orig + eps
        plus = [_flat64(o) for o in _outputs(fn, inputs)]
        a[idx] = orig - eps
        minus = [_flat64(o) for o in _outputs(fn, inputs)]
        a[idx] = orig
        for j, (p, m) in enumerate(zip(plus, minus)):
            cols[j].append((p - m) / (2 * eps))
    return [numpy.stack(c, axis=1) if c else numpy.zeros((0, a.size)) for c in cols]


def _analytical_jacobians(outs, diff, idx):
    """J[j][i]: d outs[j] / d inputs[idx[i]], one row per output element (one vjp each)."""
    from .._creation import zeros_like
    from . import grad as autograd_grad
    jac = [[[] for _ in idx] for _ in outs]
    for j, o in enumerate(outs):
        for k in range(o.numel()):
            if not o.requires_grad:
                for i, x in enumerate(diff):
                    jac[j][i].append(numpy.zeros(x.numel()))
                continue
            g = zeros_like(o)
            g._data[numpy.unravel_index(k, tuple(o.shape))] = 1
            gs = autograd_grad([o], diff, [g], retain_graph=True, allow_unused=True)
            for i, (x, gi) in enumerate(zip(diff, gs)):
                if gi is not None and tuple(gi.shape) != tuple(x.shape):
                    raise GradcheckError(f"Gradient for input {idx[i]} has shape "
                                         f"{list(gi.shape)}, expected {list(x.shape)}")
                jac[j][i].append(numpy.zeros(x.numel()) if gi is None else _flat64(gi))
    return [[numpy.stack(rows, axis=0) if rows else numpy.zeros((0, diff[i].numel()))
             for i, rows in enumerate(per_in)] for per_in in jac]


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              nondet_tol=0.0, check_undefined_grad=True, fast_mode=False, **_ignored):
    """True when every Jacobian of func at inputs matches its finite-difference estimate.

    Like torch.autograd.gradcheck: inputs should be float64; on a mismatch it raises
    GradcheckError (a RuntimeError) naming the output and input, or returns False when
    raise_exception=False.
    """
    inputs = _as_tuple(inputs)
    idx = [i for i, x in enumerate(inputs) if _is_tensor(x) and x.requires_grad]
    if not idx:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but "
                         "none of them have requires_grad=True.")
    for i in idx:
        if inputs[i].dtype.name not in ("float64", "complex128"):
            warnings.warn(f"Input #{i} requires gradient and is not a double precision floating "
                          "point or complex. This check will likely fail if all the inputs are "
                          "not of double precision floating point or complex. ")
    diff = [inputs[i] for i in idx]
    outs = _outputs(func, inputs)
    analytical = _analytical_jacobians(outs, diff, idx)
    for n, i in enumerate(idx):
        numerical = _numerical_jacobians(func, inputs, i, eps, len(outs))
        for j in range(len(outs)):
            a, num = analytical[j][n], numerical[j]
            if a.shape != num.shape or not numpy.allclose(a, num, rtol=rtol, atol=atol):
                if not raise_exception:
                    return False
                raise GradcheckError(
                    f"Jacobian mismatch for output {j} with respect to input {i},\n"
                    f"numerical:{num}\nanalytical:{a}\n")
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, **_ignored):
    """gradcheck of (inputs, grad_outputs) -> gradients of func: the second derivatives,
    including those with respect to the upstream gradient (as torch)."""
    from .._creation import tensor
    from . import grad as autograd_grad
    inputs = _as_tuple(inputs)
    outs = [o for o in _outputs(func, inputs) if o.requires_grad]
    if grad_outputs is None:
        rng = numpy.random.default_rng(0)
        grad_outputs = tuple(tensor(rng.standard_normal(tuple(o.shape)), dtype=o.dtype,
                                    device=o.device, requires_grad=True) for o in outs)
    grad_outputs = _as_tuple(grad_outputs)
    n = len(inputs)

    def first_grads(*all_args):
        ins, gos = all_args[:n], all_args[n:]
        outs = [o for o in _outputs(func, ins) if o.requires_grad]
        diff = [x for x in ins if _is_tensor(x) and x.requires_grad]
        gs = autograd_grad(outs, diff, list(gos), create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    return gradcheck(first_grads, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
