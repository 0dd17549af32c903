"""torchvision.transforms.functional for PIL images and ember tensors (..., C, H, W).

PIL paths make the same Pillow calls as torchvision, so their outputs are identical.
Tensor paths work on the NumPy array of the tensor; only `normalize` keeps autograd
history (it is the one transform used inside models). Pillow is imported lazily."""
import math
import numbers
from enum import Enum

import numpy as np

import ember

__all__ = [
    "InterpolationMode", "get_dimensions", "get_image_size", "get_image_num_channels",
    "to_tensor", "pil_to_tensor", "to_pil_image", "convert_image_dtype", "normalize",
    "resize", "pad", "crop", "center_crop", "resized_crop", "hflip", "vflip", "rotate",
    "adjust_brightness", "adjust_contrast", "adjust_saturation", "adjust_hue",
    "adjust_gamma", "rgb_to_grayscale", "to_grayscale", "erase", "invert", "affine",
    "five_crop", "ten_crop", "gaussian_blur",
]


class InterpolationMode(Enum):
    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


# Pillow's integer filter constants, fixed by Pillow's API (no import needed).
_PIL_MODES = {
    InterpolationMode.NEAREST: 0, InterpolationMode.NEAREST_EXACT: 0,
    InterpolationMode.BILINEAR: 2, InterpolationMode.BICUBIC: 3,
    InterpolationMode.BOX: 4, InterpolationMode.HAMMING: 5, InterpolationMode.LANCZOS: 1,
}
_FROM_INT = {0: InterpolationMode.NEAREST, 2: InterpolationMode.BILINEAR,
             3: InterpolationMode.BICUBIC, 4: InterpolationMode.BOX,
             5: InterpolationMode.HAMMING, 1: InterpolationMode.LANCZOS}


def _interp(interpolation):
    if isinstance(interpolation, int):
        return _FROM_INT[interpolation]
    if not isinstance(interpolation, InterpolationMode):
        raise TypeError("Argument interpolation should be a InterpolationMode or a corresponding "
                        "Pillow integer constant")
    return interpolation


def _pil():
    from PIL import Image
    return Image


def _is_pil_image(img):
    try:
        from PIL import Image
    except ImportError:
        return False
    return isinstance(img, Image.Image)


def _is_tensor(img):
    return isinstance(img, ember.Tensor)


def _check_img(img):
    if not (_is_tensor(img) or _is_pil_image(img)):
        raise TypeError(f"img should be PIL Image. Got {type(img)}")


def _np(t):
    a = t._data
    return a if isinstance(a, np.ndarray) else a.get()


def _wrap(arr):
    return ember.from_numpy(np.ascontiguousarray(arr))


def _is_float(dtype):
    return np.issubdtype(dtype, np.floating)


def _max_value(dtype):
    if _is_float(dtype):
        return 1.0
    if dtype == np.bool_:
        return 1
    return np.iinfo(dtype).max


def _assert_image_tensor(img):
    if img.ndim < 2:
        raise TypeError("Tensor is not a torch image.")


def get_dimensions(img):
    if _is_tensor(img):
        _assert_image_tensor(img)
        channels = 1 if img.ndim == 2 else img.shape[-3]
        return [channels, img.shape[-2], img.shape[-1]]
    if _is_pil_image(img):
        w, h = img.size
        return [len(img.getbands()), h, w]
    raise TypeError(f"Unexpected type {type(img)}")


def get_image_size(img):
    _, h, w = get_dimensions(img)
    return [w, h]


def get_image_num_channels(img):
    return get_dimensions(img)[0]


# ---------------------------------------------------------------- conversions
_PIL_NPTYPE = {"I": np.int32, "I;16": np.int16, "I;16B": np.int16, "F": np.float32}


def to_tensor(pic):
    if not (_is_pil_image(pic) or isinstance(pic, np.ndarray)):
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    if isinstance(pic, np.ndarray):
        if pic.ndim not in {2, 3}:
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        if pic.ndim == 2:
            pic = pic[:, :, None]
        img = np.ascontiguousarray(pic.transpose((2, 0, 1)))
    else:
        img = np.array(pic, _PIL_NPTYPE.get(pic.mode, np.uint8), copy=True)
        if pic.mode == "1":
            img = 255 * img
        img = np.ascontiguousarray(img.reshape(pic.size[1], pic.size[0], len(pic.getbands()))
                                   .transpose((2, 0, 1)))
    if img.dtype == np.uint8:
        dt = ember.get_default_dtype()
        npdt = np.float64 if dt == ember.float64 else np.float32
        img = img.astype(npdt) / npdt(255)
        return _wrap(img).to(dt)
    return _wrap(img)


def pil_to_tensor(pic):
    if not _is_pil_image(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    img = np.array(pic, _PIL_NPTYPE.get(pic.mode, np.uint8), copy=True)
    img = img.reshape(pic.size[1], pic.size[0], len(pic.getbands())).transpose((2, 0, 1))
    return _wrap(img)


def to_pil_image(pic, mode=None):
    Image = _pil()
    if _is_tensor(pic):
        if pic.ndim not in {2, 3}:
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        if pic.ndim == 2:
            pic = pic.unsqueeze(0)
        if pic.shape[-3] > 4:
            raise ValueError(f"pic should not have > 4 channels. Got {pic.shape[-3]} channels.")
        npimg = _np(pic.detach())
        if _is_float(npimg.dtype) and mode != "F":
            # torch's .byte() after mul(255): truncation toward zero, wrapping like uint8
            npimg = (npimg * 255).astype(np.int64).astype(np.uint8)
        npimg = np.transpose(npimg, (1, 2, 0))
    elif isinstance(pic, np.ndarray):
        if pic.ndim not in {2, 3}:
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        npimg = pic[:, :, None] if pic.ndim == 2 else pic
        if npimg.shape[-1] > 4:
            raise ValueError(f"pic should not have > 4 channels. Got {npimg.shape[-1]} channels.")
        if _is_float(npimg.dtype) and mode != "F":
            npimg = (npimg * 255).astype(np.uint8)
    else:
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    if npimg.shape[2] == 1:
        expected = None
        npimg = npimg[:, :, 0]
        if npimg.dtype == np.uint8:
            expected = "L"
        elif npimg.dtype == np.int16:
            expected = "I;16"
        elif npimg.dtype == np.int32:
            expected = "I"
        elif npimg.dtype == np.float32:
            expected = "F"
        if mode is not None and mode != expected:
            raise ValueError(f"Incorrect mode ({mode}) supplied for input type {np.dtype}. "
                             f"Should be {expected}")
        mode = expected
    else:
        permitted = {2: ["LA"], 4: ["RGBA", "CMYK", "RGBX"], 3: ["RGB", "YCbCr", "HSV"]}[npimg.shape[2]]
        if mode is not None and mode not in permitted:
            raise ValueError(f"Only modes {permitted} are supported for {npimg.shape[2]}D inputs")
        if mode is None and npimg.dtype == np.uint8:
            mode = permitted[0]
    if mode is None:
        raise TypeError(f"Input type {npimg.dtype} is not supported")
    # the bytes are read as `mode` (no colour conversion), as torchvision does
    npimg = np.ascontiguousarray(npimg)
    return Image.frombuffer(mode, (npimg.shape[1], npimg.shape[0]), npimg.tobytes(), "raw", mode, 0, 1)


def _npdtype(dtype):
    return np.dtype(str(dtype).replace("torch.", "").replace("ember.", ""))


def convert_image_dtype(image, dtype=None):
    if dtype is None:
        dtype = ember.float32
    if not _is_tensor(image):
        raise TypeError("Input img should be Tensor Image")
    a = _np(image)
    out = _npdtype(dtype)
    if a.dtype == out:
        return image
    if _is_float(a.dtype):
        if _is_float(out):
            return _wrap(a.astype(out))
        if (a.dtype == np.float32 and out in (np.int32, np.int64)) or \
                (a.dtype == np.float64 and out == np.int64):
            raise RuntimeError(f"The cast from {image.dtype} to {dtype} cannot be performed safely.")
        eps = 1e-3
        max_val = float(_max_value(out))
        return _wrap((a * (max_val + 1.0 - eps)).astype(out))
    input_max = float(_max_value(a.dtype))
    if _is_float(out):
        return _wrap(a.astype(out) / out.type(input_max))
    output_max = float(_max_value(out))
    if input_max > output_max:
        factor = int((input_max + 1) // (output_max + 1))
        return _wrap((a // factor).astype(out))
    factor = int((output_max + 1) // (input_max + 1))
    return _wrap(a.astype(out) * factor)


def normalize(tensor, mean, std, inplace=False):
    if not _is_tensor(tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    if not tensor.is_floating_point():
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.ndim < 3:
        raise ValueError("Expected tensor to be a tensor image of size (..., C, H, W). Got "
                         f"tensor.size() = {tensor.size()}")
    npdt = _npdtype(tensor.dtype)
    m = np.asarray(_np(mean) if _is_tensor(mean) else mean, dtype=npdt)
    s = np.asarray(_np(std) if _is_tensor(std) else std, dtype=npdt)
    if (s == 0).any():
        raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, "
                         "leading to division by zero.")
    if m.ndim == 1:
        m = m.reshape(-1, 1, 1)
    if s.ndim == 1:
        s = s.reshape(-1, 1, 1)
    m, s = ember.from_numpy(m), ember.from_numpy(s)
    if inplace:
        return tensor.sub_(m).div_(s)
    return (tensor - m) / s


# ---------------------------------------------------------------- geometry
def _compute_resized_output_size(image_size, size, max_size=None):
    h, w = image_size
    short, long = (w, h) if w <= h else (h, w)
    if len(size) == 1:
        requested = size[0]
        new_short, new_long = requested, int(requested * long / short)
        if max_size is not None:
            if max_size <= requested:
                raise ValueError(f"max_size = {max_size} must be strictly greater than the requested "
                                 f"size for the smaller edge size = {size}")
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
        new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    else:
        new_w, new_h = size[1], size[0]
    return [new_h, new_w]


def _cubic(x, a):
    x = np.abs(x)
    return np.where(x < 1.0, ((a + 2) * x - (a + 3)) * x * x + 1,
                    np.where(x < 2.0, (((x - 5) * x + 8) * x - 4) * a, 0.0))


def _aa_matrix(n_in, n_out, mode):
    """Dense (n_out, n_in) weights of torch's antialiased (PIL-style) separable kernel."""
    scale = n_in / n_out
    interp = 2 if mode == "bilinear" else 4
    support = interp * 0.5 * scale if scale >= 1.0 else interp * 0.5
    invscale = 1.0 / scale if scale >= 1.0 else 1.0
    W = np.zeros((n_out, n_in))
    for i in range(n_out):
        center = scale * (i + 0.5)
        xmin = max(int(center - support + 0.5), 0)
        xmax = min(int(center + support + 0.5), n_in)
        x = (np.arange(xmin, xmax) - center + 0.5) * invscale
        w = np.maximum(1.0 - np.abs(x), 0.0) if mode == "bilinear" else _cubic(x, -0.5)
        tot = w.sum()
        W[i, xmin:xmax] = w / tot if tot != 0 else w
    return W


def _plain_matrix(n_in, n_out, mode):
    """Dense weights of torch's interpolate(align_corners=False) without antialias."""
    scale = n_in / n_out
    W = np.zeros((n_out, n_in))
    i = np.arange(n_out)
    if mode == "nearest":
        src = np.minimum(np.floor(i * np.float32(scale)).astype(np.int64), n_in - 1)
        W[i, src] = 1.0
    elif mode == "nearest-exact":
        src = np.minimum(np.floor((i + 0.5) * np.float32(scale)).astype(np.int64), n_in - 1)
        W[i, src] = 1.0
    elif mode == "bilinear":
        src = np.maximum(scale * (i + 0.5) - 0.5, 0.0)
        i0 = np.floor(src).astype(np.int64)
        i1 = np.minimum(i0 + 1, n_in - 1)
        lam = src - i0
        np.add.at(W, (i, i0), 1.0 - lam)
        np.add.at(W, (i, i1), lam)
    else:  # bicubic, a = -0.75, border indices clamped
        src = scale * (i + 0.5) - 0.5
        i0 = np.floor(src).astype(np.int64)
        t = src - i0
        for k in range(-1, 3):
            np.add.at(W, (i, np.clip(i0 + k, 0, n_in - 1)), _cubic(t - k, -0.75))
    return W


def _resize_tensor(img, size, mode, antialias):
    a = _np(img)
    dt = a.dtype
    antialias = bool(antialias) and mode in ("bilinear", "bicubic")
    x = a.astype(np.float64)
    h, w = a.shape[-2:]
    oh, ow = size
    mk = _aa_matrix if antialias else _plain_matrix
    # separable: rows then columns (float64 accumulation, cast back to the input dtype)
    x = np.matmul(mk(h, oh, mode), x)
    x = np.matmul(x, mk(w, ow, mode).T)
    if _is_float(dt):
        return _wrap(x.astype(dt))
    if mode == "bicubic" and dt == np.uint8:
        x = np.clip(x, 0, 255)
    x = np.round(x.astype(np.float32)) if mode != "nearest" else x
    return _wrap(x.astype(dt))


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    interpolation = _interp(interpolation)
    if isinstance(size, (list, tuple)):
        if len(size) not in [1, 2]:
            raise ValueError(f"Size must be an int or a 1 or 2 element tuple/list, not a {len(size)} "
                             "element tuple/list")
        if max_size is not None and len(size) != 1:
            raise ValueError("max_size should only be passed if size specifies the length of the "
                             "smaller edge, i.e. size should be an int or a sequence of length 1 in "
                             "torchscript mode.")
    _check_img(img)
    _, ih, iw = get_dimensions(img)
    if isinstance(size, int):
        size = [size]
    out = _compute_resized_output_size((ih, iw), list(size), max_size)
    if [ih, iw] == out:
        return img
    if not _is_tensor(img):
        return img.resize(tuple(out[::-1]), _PIL_MODES[interpolation])
    if interpolation not in (InterpolationMode.NEAREST, InterpolationMode.NEAREST_EXACT,
                             InterpolationMode.BILINEAR, InterpolationMode.BICUBIC):
        raise ValueError("Interpolation mode should be either nearest, nearest-exact, bilinear "
                         "or bicubic for tensors")
    return _resize_tensor(img, out, interpolation.value, antialias)


def _parse_pad(padding):
    if isinstance(padding, numbers.Number):
        padding = [int(padding)] * 4
    padding = list(padding)
    if len(padding) == 1:
        return [padding[0]] * 4
    if len(padding) == 2:
        return [padding[0], padding[1], padding[0], padding[1]]
    return padding  # left, top, right, bottom


def _parse_fill(fill, img, name="fillcolor"):
    num_channels = get_image_num_channels(img)
    if fill is None:
        fill = 0
    if isinstance(fill, (int, float)) and num_channels > 1:
        fill = tuple([fill] * num_channels)
    if isinstance(fill, (list, tuple)):
        if len(fill) == 1:
            fill = tuple(fill) * num_channels
        elif len(fill) != num_channels:
            raise ValueError("The number of elements in 'fill' does not match the number of channels "
                             f"of the image ({len(fill)} != {num_channels})")
        fill = tuple(fill)
    if img.mode != "F":
        fill = tuple(int(x) for x in fill) if isinstance(fill, tuple) else int(fill)
    return {name: fill}


def pad(img, padding, fill=0, padding_mode="constant"):
    _check_img(img)
    if not isinstance(padding, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    if fill is not None and not isinstance(fill, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate fill arg")
    if not isinstance(padding_mode, str):
        raise TypeError("Got inappropriate padding_mode arg")
    if isinstance(padding, (tuple, list)) and len(padding) not in [1, 2, 4]:
        raise ValueError("Padding must be an int or a 1, 2, or 4 element tuple, not a "
                         f"{len(padding)} element tuple")
    if padding_mode not in ["constant", "edge", "reflect", "symmetric"]:
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    if _is_tensor(img):
        if isinstance(fill, (tuple, list)):
            raise TypeError("Got inappropriate fill arg")  # tensors take a number, as torchvision
        return _pad_array(img, _parse_pad(padding), 0 if fill is None else fill, padding_mode)
    if padding_mode == "constant":
        from PIL import ImageOps
        opts = _parse_fill(fill, img, name="fill")
        border = padding if isinstance(padding, numbers.Number) else (
            padding[0] if len(padding) == 1 else tuple(padding))
        if img.mode == "P":
            palette = img.getpalette()
            image = ImageOps.expand(img, border=border, **opts)
            image.putpalette(palette)
            return image
        return ImageOps.expand(img, border=border, **opts)
    left, top, right, bottom = _parse_pad(padding)
    crop_l, crop_t, crop_r, crop_b = (-min(p, 0) for p in (left, top, right, bottom))
    if crop_l or crop_t or crop_r or crop_b:
        img = img.crop((crop_l, crop_t, img.width - crop_r, img.height - crop_b))
    left, top, right, bottom = (max(p, 0) for p in (left, top, right, bottom))
    Image = _pil()
    palette = img.getpalette() if img.mode == "P" else None
    arr = np.asarray(img)
    widths = ((top, bottom), (left, right)) + (((0, 0),) if arr.ndim == 3 else ())
    out = Image.fromarray(np.pad(arr, widths, padding_mode))
    if palette is not None:
        out.putpalette(palette)
    return out


def _pad_array(img, ltrb, fill, mode):
    a = _np(img)
    left, top, right, bottom = ltrb
    # negative padding crops, as torch.nn.functional.pad does
    h, w = a.shape[-2:]
    a = a[..., max(-top, 0):h - max(-bottom, 0), max(-left, 0):w - max(-right, 0)]
    widths = [(0, 0)] * (a.ndim - 2) + [(max(top, 0), max(bottom, 0)), (max(left, 0), max(right, 0))]
    if mode == "constant":
        out = np.pad(a, widths, "constant", constant_values=np.asarray(fill).astype(a.dtype))
    else:
        out = np.pad(a, widths, mode)
    return _wrap(out)


def crop(img, top, left, height, width):
    _check_img(img)
    if not _is_tensor(img):
        return img.crop((left, top, left + width, top + height))
    _, h, w = get_dimensions(img)
    right, bottom = left + width, top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        a = _np(img)[..., max(top, 0):min(bottom, h), max(left, 0):min(right, w)]
        ltrb = [max(-left, 0), max(-top, 0), max(right - w, 0), max(bottom - h, 0)]
        return _pad_array(_wrap(a), ltrb, 0, "constant")
    return img[..., top:bottom, left:right]


def _setup_size(size, msg="Please provide only two dimensions (h, w) for size."):
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, (list, tuple)) and len(size) == 1:
        return size[0], size[0]
    if len(size) != 2:
        raise ValueError(msg)
    return tuple(size)


def center_crop(img, output_size):
    if isinstance(output_size, numbers.Number):
        output_size = (int(output_size), int(output_size))
    elif isinstance(output_size, (tuple, list)) and len(output_size) == 1:
        output_size = (output_size[0], output_size[0])
    _, ih, iw = get_dimensions(img)
    ch, cw = output_size
    if cw > iw or ch > ih:
        padding_ltrb = [(cw - iw) // 2 if cw > iw else 0, (ch - ih) // 2 if ch > ih else 0,
                        (cw - iw + 1) // 2 if cw > iw else 0, (ch - ih + 1) // 2 if ch > ih else 0]
        img = pad(img, padding_ltrb, fill=0)
        _, ih, iw = get_dimensions(img)
        if cw == iw and ch == ih:
            return img
    top = int(round((ih - ch) / 2.0))
    left = int(round((iw - cw) / 2.0))
    return crop(img, top, left, ch, cw)


def resized_crop(img, top, left, height, width, size, interpolation=InterpolationMode.BILINEAR,
                 antialias=True):
    img = crop(img, top, left, height, width)
    return resize(img, size, interpolation, antialias=antialias)


def hflip(img):
    _check_img(img)
    if not _is_tensor(img):
        return img.transpose(0)  # Image.FLIP_LEFT_RIGHT
    return _wrap(_np(img)[..., ::-1])


def vflip(img):
    _check_img(img)
    if not _is_tensor(img):
        return img.transpose(1)  # Image.FLIP_TOP_BOTTOM
    return _wrap(_np(img)[..., ::-1, :])


def _get_inverse_affine_matrix(center, angle, translate, scale, shear):
    # inverse of T * C * R * S * Sh * C^-1 (torchvision's convention), as a 2x3 row-major list
    rot = math.radians(angle)
    sx, sy = math.radians(shear[0]), math.radians(shear[1])
    cx, cy = center
    tx, ty = translate
    a = math.cos(rot - sy) / math.cos(sy)
    b = -math.cos(rot - sy) * math.tan(sx) / math.cos(sy) - math.sin(rot)
    c = math.sin(rot - sy) / math.cos(sy)
    d = -math.sin(rot - sy) * math.tan(sx) / math.cos(sy) + math.cos(rot)
    m = [x / scale for x in (d, -b, 0.0, -c, a, 0.0)]
    m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty)
    m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty)
    m[2] += cx
    m[5] += cy
    return m


def _affine_output_size(m, w, h):
    pts = np.array([[-0.5 * w, -0.5 * h, 1.0], [-0.5 * w, 0.5 * h, 1.0],
                    [0.5 * w, 0.5 * h, 1.0], [0.5 * w, -0.5 * h, 1.0]], np.float32)
    theta = np.array(m, np.float32).reshape(2, 3)
    new = pts @ theta.T
    mn = new.min(0) + np.array([w * 0.5, h * 0.5], np.float32)
    mx = new.max(0) + np.array([w * 0.5, h * 0.5], np.float32)
    tol = np.float32(1e-4)
    cmax = np.ceil(np.trunc(mx / tol) * tol)
    cmin = np.floor(np.trunc(mn / tol) * tol)
    size = cmax - cmin
    return int(size[0]), int(size[1])


def _grid_sample(a, gx, gy, mode):
    """grid_sample(align_corners=False, padding zeros) on (..., C, H, W) with one shared grid."""
    h, w = a.shape[-2:]
    x = ((gx + 1) * w - 1) / 2
    y = ((gy + 1) * h - 1) / 2
    out = 0
    if mode == "nearest":
        corners = ((np.rint(x), np.rint(y), 1.0),)
    else:
        x0, y0 = np.floor(x), np.floor(y)
        fx, fy = x - x0, y - y0
        corners = ((x0, y0, (1 - fx) * (1 - fy)), (x0 + 1, y0, fx * (1 - fy)),
                   (x0, y0 + 1, (1 - fx) * fy), (x0 + 1, y0 + 1, fx * fy))
    for cx, cy, wgt in corners:
        valid = (cx >= 0) & (cx <= w - 1) & (cy >= 0) & (cy <= h - 1)
        ix = np.clip(cx, 0, w - 1).astype(np.int64)
        iy = np.clip(cy, 0, h - 1).astype(np.int64)
        out = out + a[..., iy, ix] * (wgt * valid)
    return out


def rotate(img, angle, interpolation=InterpolationMode.NEAREST, expand=False, center=None, fill=None):
    interpolation = _interp(interpolation)
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    if center is not None and not isinstance(center, (list, tuple)):
        raise TypeError("Argument center should be a sequence")
    _check_img(img)
    if not _is_tensor(img):
        opts = _parse_fill(fill, img)
        return img.rotate(angle, _PIL_MODES[interpolation], expand, center, **opts)
    if interpolation not in (InterpolationMode.NEAREST, InterpolationMode.BILINEAR):
        raise ValueError(f"Interpolation mode '{interpolation.value}' is unsupported with Tensor input")
    _, h, w = get_dimensions(img)
    center_f = [0.0, 0.0]
    if center is not None:
        center_f = [1.0 * (c - s * 0.5) for c, s in zip(center, [w, h])]
    m = _get_inverse_affine_matrix(center_f, -angle, [0.0, 0.0], 1.0, [0.0, 0.0])
    ow, oh = _affine_output_size(m, w, h) if expand else (w, h)
    return _apply_affine_tensor(img, m, interpolation.value, fill, ow, oh)


def _apply_affine_tensor(img, m, mode, fill, ow, oh):
    _, h, w = get_dimensions(img)
    a = _np(img)
    dt = a.dtype if _is_float(a.dtype) else np.dtype(np.float32)
    theta = np.array(m, dt).reshape(2, 3)
    xs = np.linspace(-ow * 0.5 + 0.5, ow * 0.5 - 0.5, ow, dtype=dt)
    ys = np.linspace(-oh * 0.5 + 0.5, oh * 0.5 - 0.5, oh, dtype=dt)[:, None]
    sx, sy = dt.type(0.5 * w), dt.type(0.5 * h)
    gx = (xs * (theta[0, 0] / sx) + ys * (theta[0, 1] / sx) + theta[0, 2] / sx).astype(dt)
    gy = (xs * (theta[1, 0] / sy) + ys * (theta[1, 1] / sy) + theta[1, 2] / sy).astype(dt)
    out = _grid_sample(a.astype(dt), gx, gy, mode).astype(dt)
    if fill is not None:
        # torchvision samples an all-ones mask channel to know where the fill shows through
        mask = _grid_sample(np.ones((h, w), dt), gx, gy, mode).astype(dt)
        fv = np.asarray(fill if isinstance(fill, (list, tuple)) else [float(fill)], dt).reshape(-1, 1, 1)
        if mode == "nearest":
            out = np.where(mask < 0.5, np.broadcast_to(fv, out.shape), out)
        else:
            out = out * mask + (1.0 - mask) * fv
    if not _is_float(a.dtype):
        out = np.round(out)
    return _wrap(out.astype(a.dtype))


def affine(img, angle, translate, scale, shear, interpolation=InterpolationMode.NEAREST, fill=None,
           center=None):
    interpolation = _interp(interpolation)
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    if not isinstance(translate, (list, tuple)):
        raise TypeError("Argument translate should be a sequence")
    if len(translate) != 2:
        raise ValueError("Argument translate should be a sequence of length 2")
    if scale <= 0.0:
        raise ValueError("Argument scale should be positive")
    if not isinstance(shear, (numbers.Number, list, tuple)):
        raise TypeError("Shear should be either a single value or a sequence of two values")
    angle = float(angle)
    translate = list(translate)
    shear = [shear, 0.0] if isinstance(shear, numbers.Number) else list(shear)
    if len(shear) == 1:
        shear = [shear[0], shear[0]]
    if len(shear) != 2:
        raise ValueError(f"Shear should be a sequence containing two values. Got {shear}")
    if center is not None and not isinstance(center, (list, tuple)):
        raise TypeError("Argument center should be a sequence")
    _check_img(img)
    _, height, width = get_dimensions(img)
    if not _is_tensor(img):
        # torchvision's PIL path takes the centre without the 0.5 pixel offset
        if center is None:
            center = [width * 0.5, height * 0.5]
        m = _get_inverse_affine_matrix(center, angle, translate, scale, shear)
        return img.transform(img.size, 0, m, _PIL_MODES[interpolation], **_parse_fill(fill, img))
    if interpolation not in (InterpolationMode.NEAREST, InterpolationMode.BILINEAR):
        raise ValueError(f"Interpolation mode '{interpolation.value}' is unsupported with Tensor input")
    center_f = [0.0, 0.0]
    if center is not None:
        center_f = [1.0 * (c - s * 0.5) for c, s in zip(center, [width, height])]
    m = _get_inverse_affine_matrix(center_f, angle, [1.0 * t for t in translate], scale, shear)
    return _apply_affine_tensor(img, m, interpolation.value, fill, width, height)


def five_crop(img, size):
    size = _setup_size(size)
    _, ih, iw = get_dimensions(img)
    ch, cw = size
    if cw > iw or ch > ih:
        raise ValueError(f"Requested crop size {size} is bigger than input size {(ih, iw)}")
    return (crop(img, 0, 0, ch, cw), crop(img, 0, iw - cw, ch, cw), crop(img, ih - ch, 0, ch, cw),
            crop(img, ih - ch, iw - cw, ch, cw), center_crop(img, [ch, cw]))


def ten_crop(img, size, vertical_flip=False):
    size = _setup_size(size)
    first = five_crop(img, size)
    return first + five_crop(vflip(img) if vertical_flip else hflip(img), size)


def gaussian_blur(img, kernel_size, sigma=None):
    if not isinstance(kernel_size, (int, list, tuple)):
        raise TypeError(f"kernel_size should be int or a sequence of integers. Got {type(kernel_size)}")
    if isinstance(kernel_size, int):
        kernel_size = [kernel_size, kernel_size]
    if len(kernel_size) != 2:
        raise ValueError(f"If kernel_size is a sequence its length should be 2. Got {len(kernel_size)}")
    for ksize in kernel_size:
        if ksize % 2 == 0 or ksize < 0:
            raise ValueError(f"kernel_size should have odd and positive integers. Got {kernel_size}")
    if sigma is None:
        sigma = [ksize * 0.15 + 0.35 for ksize in kernel_size]
    if sigma is not None and not isinstance(sigma, (int, float, list, tuple)):
        raise TypeError(f"sigma should be either float or sequence of floats. Got {type(sigma)}")
    if isinstance(sigma, (int, float)):
        sigma = [float(sigma), float(sigma)]
    if isinstance(sigma, (list, tuple)) and len(sigma) == 1:
        sigma = [sigma[0], sigma[0]]
    if len(sigma) != 2:
        raise ValueError(f"If sigma is a sequence, its length should be 2. Got {len(sigma)}")
    for s in sigma:
        if s <= 0.0:
            raise ValueError(f"sigma should have positive values. Got {sigma}")
    _check_img(img)
    pil_mode = None
    if not _is_tensor(img):
        pil_mode = img.mode
        img = pil_to_tensor(img)
    a = _np(img)
    dt = a.dtype if _is_float(a.dtype) else np.dtype(np.float32)

    def k1d(k, s):
        x = np.linspace(-(k - 1) * 0.5, (k - 1) * 0.5, k, dtype=dt)
        pdf = np.exp(-0.5 * (x / dt.type(s)) ** 2)
        return pdf / pdf.sum()

    kx, ky = k1d(kernel_size[0], sigma[0]), k1d(kernel_size[1], sigma[1])
    kernel = (ky[:, None] * kx[None, :]).astype(dt)
    px, py = kernel_size[0] // 2, kernel_size[1] // 2
    widths = [(0, 0)] * (a.ndim - 2) + [(py, py), (px, px)]
    padded = np.pad(a.astype(dt), widths, "reflect")
    h, w = a.shape[-2:]
    out = np.zeros(a.shape, np.float64)
    for i in range(kernel.shape[0]):
        for j in range(kernel.shape[1]):
            out += padded[..., i:i + h, j:j + w] * float(kernel[i, j])
    out = out.astype(dt)
    if not _is_float(a.dtype):
        out = np.round(out)
    res = _wrap(out.astype(a.dtype))
    return to_pil_image(res, mode=pil_mode) if pil_mode is not None else res


# ---------------------------------------------------------------- colour
def _blend(a, b, ratio):
    ratio = float(ratio)
    bound = _max_value(a.dtype)
    fdt = a.dtype if _is_float(a.dtype) else np.float32
    out = np.clip(ratio * a.astype(fdt) + (1.0 - ratio) * np.asarray(b).astype(fdt), 0, bound)
    return out.astype(a.dtype)


def _gray(a):
    r, g, b = a[..., 0, :, :], a[..., 1, :, :], a[..., 2, :, :]
    fdt = a.dtype if _is_float(a.dtype) else np.float32
    r, g, b = r.astype(fdt), g.astype(fdt), b.astype(fdt)
    return (0.2989 * r + 0.587 * g + 0.114 * b).astype(a.dtype)[..., None, :, :]


def _check_channels(a, permitted):
    c = 1 if a.ndim == 2 else a.shape[-3]
    if c not in permitted:
        raise TypeError(f"Input image tensor permitted channel values are {permitted}, but found {c}")
    return c


def rgb_to_grayscale(img, num_output_channels=1):
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    _check_img(img)
    if not _is_tensor(img):
        return to_grayscale(img, num_output_channels)
    a = _np(img)
    c = _check_channels(a, [1, 3])
    g = _gray(a) if c == 3 else a.copy()
    if num_output_channels == 3:
        g = np.broadcast_to(g, a.shape)
    return _wrap(g)


def to_grayscale(img, num_output_channels=1):
    if _is_tensor(img):
        return rgb_to_grayscale(img, num_output_channels)
    if not _is_pil_image(img):
        raise TypeError(f"img should be PIL Image. Got {type(img)}")
    if num_output_channels == 1:
        return img.convert("L")
    if num_output_channels == 3:
        g = np.array(img.convert("L"), dtype=np.uint8)
        return _pil().fromarray(np.dstack([g, g, g]))
    raise ValueError("num_output_channels should be either 1 or 3")


def adjust_brightness(img, brightness_factor):
    if brightness_factor < 0:
        raise ValueError(f"brightness_factor ({brightness_factor}) is not non-negative.")
    _check_img(img)
    if not _is_tensor(img):
        from PIL import ImageEnhance
        return ImageEnhance.Brightness(img).enhance(brightness_factor)
    a = _np(img)
    _check_channels(a, [1, 3])
    return _wrap(_blend(a, 0, brightness_factor))


def adjust_contrast(img, contrast_factor):
    if contrast_factor < 0:
        raise ValueError(f"contrast_factor ({contrast_factor}) is not non-negative.")
    _check_img(img)
    if not _is_tensor(img):
        from PIL import ImageEnhance
        return ImageEnhance.Contrast(img).enhance(contrast_factor)
    a = _np(img)
    c = _check_channels(a, [1, 3])
    fdt = a.dtype if _is_float(a.dtype) else np.float32
    src = _gray(a) if c == 3 else a
    mean = src.astype(fdt).mean(axis=(-3, -2, -1), keepdims=True, dtype=fdt)
    return _wrap(_blend(a, mean, contrast_factor))


def adjust_saturation(img, saturation_factor):
    if saturation_factor < 0:
        raise ValueError(f"saturation_factor ({saturation_factor}) is not non-negative.")
    _check_img(img)
    if not _is_tensor(img):
        from PIL import ImageEnhance
        return ImageEnhance.Color(img).enhance(saturation_factor)
    a = _np(img)
    c = _check_channels(a, [1, 3])
    if c == 1:
        return img
    return _wrap(_blend(a, _gray(a), saturation_factor))


def _rgb2hsv(a):
    r, g, b = a[..., 0, :, :], a[..., 1, :, :], a[..., 2, :, :]
    maxc, minc = a.max(axis=-3), a.min(axis=-3)
    eqc = maxc == minc
    cr = maxc - minc
    one = np.ones_like(maxc)
    s = cr / np.where(eqc, one, maxc)
    crd = np.where(eqc, one, cr)
    rc, gc, bc = (maxc - r) / crd, (maxc - g) / crd, (maxc - b) / crd
    hr = (maxc == r) * (bc - gc)
    hg = ((maxc == g) & (maxc != r)) * (2.0 + rc - bc)
    hb = ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    h = np.fmod((hr + hg + hb) / 6.0 + 1.0, 1.0)
    return h.astype(a.dtype), s, maxc


def _hsv2rgb(h, s, v):
    i = np.floor(h * 6.0)
    f = h * 6.0 - i
    i = i.astype(np.int32) % 6
    p = np.clip(v * (1.0 - s), 0.0, 1.0)
    q = np.clip(v * (1.0 - s * f), 0.0, 1.0)
    t = np.clip(v * (1.0 - s * (1.0 - f)), 0.0, 1.0)
    r = np.choose(i, (v, q, p, p, t, v))
    g = np.choose(i, (t, v, v, q, p, p))
    b = np.choose(i, (p, p, t, v, v, q))
    return np.stack((r, g, b), axis=-3)


def adjust_hue(img, hue_factor):
    if not (-0.5 <= hue_factor <= 0.5):
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    _check_img(img)
    if not _is_tensor(img):
        Image = _pil()
        mode = img.mode
        if mode in {"L", "1", "I", "F"}:
            return img
        h, s, v = img.convert("HSV").split()
        np_h = np.array(h, dtype=np.uint8)
        np_h += np.int32(hue_factor * 255).astype(np.uint8)  # wraps around, as intended
        h = Image.fromarray(np_h)
        return Image.merge("HSV", (h, s, v)).convert(mode)
    a = _np(img)
    c = _check_channels(a, [1, 3])
    if c == 1:
        return img
    orig = a.dtype
    x = a if _is_float(orig) else (a.astype(np.float32) / np.float32(_max_value(orig)))
    h, s, v = _rgb2hsv(x)
    h = np.fmod(h + x.dtype.type(hue_factor), 1.0)
    h = np.where(h < 0, h + 1.0, h).astype(x.dtype)  # torch's % is a floor modulo
    out = _hsv2rgb(h, s, v).astype(x.dtype)
    if not _is_float(orig):
        out = (out * (_max_value(orig) + 1.0 - 1e-3)).astype(orig)
    return _wrap(out)


def adjust_gamma(img, gamma, gain=1):
    if gamma < 0:
        raise ValueError("Gamma should be a non-negative real number")
    _check_img(img)
    if not _is_tensor(img):
        mode = img.mode
        table = [int((255 + 1 - 1e-3) * gain * pow(e / 255.0, gamma)) for e in range(256)] * 3
        return img.convert("RGB").point(table).convert(mode)
    a = _np(img)
    x = a if _is_float(a.dtype) else a.astype(np.float32) / np.float32(_max_value(a.dtype))
    out = np.clip(gain * x ** gamma, 0, 1).astype(x.dtype)
    if not _is_float(a.dtype):
        out = (out * (_max_value(a.dtype) + 1.0 - 1e-3)).astype(a.dtype)
    return _wrap(out)


def invert(img):
    _check_img(img)
    if not _is_tensor(img):
        from PIL import ImageOps
        return ImageOps.invert(img)
    a = _np(img)
    _check_channels(a, [1, 3])
    return _wrap(_max_value(a.dtype) - a if _is_float(a.dtype) else np.bitwise_not(a))


def erase(img, i, j, h, w, v, inplace=False):
    if not _is_tensor(img):
        raise TypeError(f"img should be Tensor Image. Got {type(img)}")
    if not inplace:
        img = img.clone()
    val = _np(v) if _is_tensor(v) else np.asarray(v)
    img._data[..., i:i + h, j:j + w] = val
    return img
