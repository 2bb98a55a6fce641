"""Small uploaded images (PNG or PGM) to ±1 patterns, one neuron per pixel.

A pixel is +1 ("ink") when its luminance is below one half and -1 otherwise; transparent PNG
pixels count as white paper. Everything happens in memory; sizes are checked from the header
before any pixel is decoded.
"""

from __future__ import annotations

import io
import re

import numpy as np

__all__ = ["MAX_IMAGE_BYTES", "MAX_SIDE", "ImageError", "image_to_pattern"]

#: largest accepted file, in bytes
MAX_IMAGE_BYTES = 64 * 1024
#: largest accepted width and height, in pixels (one neuron per pixel)
MAX_SIDE = 32

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PGM_SPACE = re.compile(rb"[ \t\n\v\f\r]*")  # one character class: nothing to backtrack into
_PGM_DIGITS = re.compile(rb"[0-9]*")
_PGM_MALFORMED = "the PGM header is malformed (expected 'P2' or 'P5', width, height, maxval)."


class ImageError(ValueError):
    """An upload that is not a usable image; the message says why, for the person uploading it."""


def _check_side(width: int, height: int) -> None:
    if width < 1 or height < 1:
        raise ImageError(f"the image is {width}×{height} pixels; it must not be empty.")
    if width > MAX_SIDE or height > MAX_SIDE:
        raise ImageError(f"the image is too large: {width}×{height} pixels, at most "
                         f"{MAX_SIDE}×{MAX_SIDE} are allowed (one neuron per pixel).")


def _png_gray(data: bytes) -> np.ndarray:
    if len(data) < 33 or data[12:16] != b"IHDR":
        raise ImageError("the PNG file is truncated or has no IHDR header.")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    _check_side(width, height)
    from matplotlib.image import imread  # Pillow, through Matplotlib; imported only when needed

    try:
        img = np.asarray(imread(io.BytesIO(data), format="png"), dtype=np.float64)
    except Exception as exc:  # any decoder failure is a bad upload, not a server error
        raise ImageError(f"the PNG file could not be decoded ({exc}).") from None
    if img.dtype.kind != "f" or img.max(initial=0.0) > 1.0:  # integer images from the decoder
        img = img / 255.0
    if img.ndim == 2:
        return img
    alpha = img[..., 3] if img.shape[2] in (2, 4) else 1.0
    color = img[..., :1] if img.shape[2] <= 2 else img[..., :3]
    lum = color[..., 0] if color.shape[2] == 1 else color @ np.array([0.299, 0.587, 0.114])
    return alpha * lum + (1.0 - alpha)  # transparent = white paper


def _pgm_header(data: bytes) -> tuple[bytes, int, int, int, int]:
    """(magic, width, height, maxval, offset of the pixels) of a PGM file, in one left-to-right scan.

    Netpbm's grammar: the magic number, then three decimal numbers, each preceded by whitespace
    in which ``#`` comments (to the end of the line) may appear, then exactly one whitespace
    character. Each loop turn consumes input, so the scan is linear in the header's length; the
    regular expression it replaces backtracked exponentially on runs of whitespace.
    """
    pos, numbers = 2, []
    while len(numbers) < 3:
        start = pos
        while True:  # whitespace and comments
            pos = _PGM_SPACE.match(data, pos).end()
            if data[pos:pos + 1] != b"#":
                break
            end = data.find(b"\n", pos)
            pos = len(data) if end < 0 else end + 1
        digits = _PGM_DIGITS.match(data, pos).end()
        if pos == start or digits == pos:
            raise ImageError(_PGM_MALFORMED)
        if digits - pos > 5:
            raise ImageError(f"the PGM header has a {digits - pos}-digit number; width, height "
                             f"and maxval have at most 5 digits.")
        numbers.append(int(data[pos:digits]))
        pos = digits
    if _PGM_SPACE.match(data, pos, pos + 1).end() != pos + 1:
        raise ImageError(_PGM_MALFORMED)
    return (data[:2], *numbers, pos + 1)


def _pgm_gray(data: bytes) -> np.ndarray:
    kind, width, height, maxval, offset = _pgm_header(data)
    _check_side(width, height)
    if not 1 <= maxval <= 65535:
        raise ImageError(f"the PGM maxval is {maxval}; it must be between 1 and 65535.")
    body, n = data[offset:], width * height
    if kind == b"P5":
        dtype = np.dtype(">u2") if maxval > 255 else np.dtype(np.uint8)
        if len(body) < n * dtype.itemsize:
            raise ImageError(f"the PGM file is truncated: {width}×{height} pixels need "
                             f"{n * dtype.itemsize} bytes of data, got {len(body)}.")
        values = np.frombuffer(body, dtype=dtype, count=n).astype(np.float64)
    else:
        tokens = re.sub(rb"#[^\n]*", b"", body).split()
        if len(tokens) < n or not all(t.isdigit() and len(t) <= 5 for t in tokens[:n]):
            raise ImageError(f"the PGM file must list {width}×{height} = {n} integer pixel values.")
        values = np.array([int(t) for t in tokens[:n]], dtype=np.float64)
    if values.max(initial=0) > maxval:
        raise ImageError(f"a PGM pixel exceeds the maxval {maxval}.")
    return values.reshape(height, width) / maxval


def image_to_pattern(data: bytes, *, shape: tuple[int, int] | None = None) -> np.ndarray:
    """Decode a PNG or PGM file and threshold it to a ±1 image (dark pixels +1).

    Parameters
    ----------
    data : bytes
        The file's contents.
    shape : (height, width), optional
        Required size (the size of the patterns it joins).

    Returns
    -------
    ndarray of int8, shape (height, width)

    Raises
    ------
    ImageError
        Too many bytes or pixels, not a PNG / PGM, undecodable, or not of size ``shape``.
    """
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageError(f"the file is too large: {len(data)} bytes, at most {MAX_IMAGE_BYTES} "
                         f"are allowed.")
    if data.startswith(_PNG_SIGNATURE):
        gray = _png_gray(data)
    elif data[:2] in (b"P2", b"P5"):
        gray = _pgm_gray(data)
    else:
        raise ImageError("not an image: upload a PNG or a PGM (P2/P5) file.")
    if shape is not None and gray.shape != tuple(shape):
        raise ImageError(f"wrong size: the image is {gray.shape[1]}×{gray.shape[0]} pixels "
                         f"(width×height) but the stored patterns are {shape[1]}×{shape[0]}.")
    return np.where(gray < 0.5, 1, -1).astype(np.int8)
