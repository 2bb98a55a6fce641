"""Small pattern sets we draw ourselves: letters A–Z, digits 0–9 and a few shapes.

Glyphs are 7×7 bitmaps written below as text ('#' = +1, '.' = -1); ``scale`` enlarges them by
pixel replication. Every function returns ±1 int8 patterns as rows plus the image shape.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from ._validation import check_scalar

__all__ = ["PatternSet", "digits", "letters", "shapes"]

_LETTERS = """
A ..###.. .##.##. ##...## ##...## ####### ##...## ##...##
B ######. ##...## ##...## ######. ##...## ##...## ######.
C .#####. ##...## ##..... ##..... ##..... ##...## .#####.
D #####.. ##..##. ##...## ##...## ##...## ##..##. #####..
E ####### ##..... ##..... ######. ##..... ##..... #######
F ####### ##..... ##..... ######. ##..... ##..... ##.....
G .#####. ##...## ##..... ##.#### ##...## ##...## .######
H ##...## ##...## ##...## ####### ##...## ##...## ##...##
I ####### ..###.. ..###.. ..###.. ..###.. ..###.. #######
J ..##### ....##. ....##. ....##. ##..##. ##..##. .####..
K ##...## ##..##. ##.##.. ####... ##.##.. ##..##. ##...##
L ##..... ##..... ##..... ##..... ##..... ##..... #######
M ##...## ###.### ####### ##.#.## ##...## ##...## ##...##
N ##...## ###..## ####.## ##.#### ##..### ##...## ##...##
O .#####. ##...## ##...## ##...## ##...## ##...## .#####.
P ######. ##...## ##...## ######. ##..... ##..... ##.....
Q .#####. ##...## ##...## ##...## ##.#.## ##..##. .###.##
R ######. ##...## ##...## ######. ##.##.. ##..##. ##...##
S .#####. ##...## ##..... .#####. .....## ##...## .#####.
T ####### ####### ..###.. ..###.. ..###.. ..###.. ..###..
U ##...## ##...## ##...## ##...## ##...## ##...## .#####.
V ##...## ##...## ##...## ##...## .##.##. ..###.. ...#...
W ##...## ##...## ##...## ##.#.## ####### ###.### ##...##
X ##...## .##.##. ..###.. ...#... ..###.. .##.##. ##...##
Y ##...## .##.##. ..###.. ...#... ...#... ...#... ...#...
Z ####### ....##. ...##.. ..##... .##.... ##..... #######
"""

_DIGITS = """
0 .#####. ##...## ##..### ##.#.## ###..## ##...## .#####.
1 ...##.. ..###.. .####.. ...##.. ...##.. ...##.. .######
2 .#####. ##...## .....## ...###. .###... ##..... #######
3 ######. .....## .....## ..####. .....## .....## ######.
4 ...###. ..####. .##.##. ##..##. ####### ....##. ....##.
5 ####### ##..... ######. .....## .....## ##...## .#####.
6 .#####. ##..... ##..... ######. ##...## ##...## .#####.
7 ####### .....## ....##. ...##.. ..##... ..##... ..##...
8 .#####. ##...## ##...## .#####. ##...## ##...## .#####.
9 .#####. ##...## ##...## .###### .....## .....## .#####.
"""


@dataclass(frozen=True)
class PatternSet:
    """Named ±1 patterns with their image shape.

    Attributes
    ----------
    patterns : ndarray of int8, shape (n_patterns, height * width)
    names : tuple of str
    shape : (height, width)
    """

    patterns: np.ndarray
    names: tuple[str, ...]
    shape: tuple[int, int]

    def __getitem__(self, name: str) -> np.ndarray:
        """The pattern called ``name`` (a copy)."""
        try:
            return self.patterns[self.names.index(name)].copy()
        except ValueError:
            raise KeyError(f"no pattern {name!r}; have {', '.join(self.names)}.") from None

    def select(self, names) -> PatternSet:
        """A new set with the named patterns, in the given order."""
        names = tuple(names)
        if not names:
            raise ValueError("select at least one pattern.")
        return PatternSet(np.stack([self[n] for n in names]), names, self.shape)

    def __len__(self) -> int:
        return len(self.names)


def _parse(table: str) -> dict[str, np.ndarray]:
    glyphs = {}
    for line in table.strip().splitlines():
        name, *rows = line.split()
        img = np.array([[1 if c == "#" else -1 for c in r] for r in rows], dtype=np.int8)
        glyphs[name] = img
    return glyphs


class UnknownGlyphError(KeyError, ValueError):
    """A requested glyph does not exist (a KeyError for lookups, a ValueError for bad ``names``)."""

    def __str__(self) -> str:
        return str(self.args[0])


#: the largest enlargement: a 7×7 glyph becomes 700×700 (490,000 neurons)
MAX_SCALE = 100


def _build(table: str, names, scale: int) -> PatternSet:
    check_scalar(scale, "scale", numbers.Integral, min_val=1, max_val=MAX_SCALE)
    glyphs = _parse(table)
    if names is not None and not isinstance(names, str):
        raise TypeError(f"`names` must be a string of glyph names such as 'TI'; got {type(names).__name__}.")
    names = tuple(glyphs) if names is None else tuple(names)
    if not names:
        raise ValueError("`names` is empty; name at least one glyph (or pass None for all).")
    missing = [n for n in names if n not in glyphs]
    if missing:
        raise UnknownGlyphError(f"`names`: no glyph for {missing}; have {''.join(glyphs)}.")
    imgs = [np.kron(glyphs[n], np.ones((scale, scale), dtype=np.int8)) for n in names]
    shape = imgs[0].shape
    return PatternSet(np.stack([i.ravel() for i in imgs]).astype(np.int8), names, shape)


def letters(names: str | None = None, *, scale: int = 1) -> PatternSet:
    """Bitmaps of the capital letters (7×7 each, ``scale``-fold enlarged).

    Parameters
    ----------
    names : str, optional
        Which letters, e.g. ``"TI"`` (default: all 26, A–Z).
    scale : int, default=1
        Enlargement of each pixel, 1 to :data:`MAX_SCALE` (100).

    Examples
    --------
    >>> import hopfield as hf
    >>> ti = hf.datasets.letters("TI")
    >>> ti.patterns.shape, ti.shape
    ((2, 49), (7, 7))
    """
    return _build(_LETTERS, names, scale)


def digits(names: str | None = None, *, scale: int = 1) -> PatternSet:
    """Bitmaps of the digits 0–9 (7×7 each, ``scale``-fold enlarged)."""
    return _build(_DIGITS, names, scale)


def shapes(size: int = 8) -> PatternSet:
    """A few geometric patterns on a ``size``×``size`` grid.

    ``checkerboard``, ``stripes`` (horizontal), ``l_shape`` (an L in the lower left), ``cross``,
    ``frame`` (the border) and ``diagonal``.
    """
    check_scalar(size, "size", numbers.Integral, min_val=4)
    i, j = np.indices((size, size))
    w = max(1, size // 4)
    masks = {
        "checkerboard": (i + j) % 2 == 0,
        "stripes": (i // w) % 2 == 0,
        "l_shape": ((j < w) & (i >= 1)) | ((i >= size - w) & (j < size - 1)),
        "cross": (np.abs(i - (size - 1) / 2) < w / 2 + 0.5) | (np.abs(j - (size - 1) / 2) < w / 2 + 0.5),
        "frame": (i < w) | (j < w) | (i >= size - w) | (j >= size - w),
        "diagonal": np.abs(i - j) < w,
    }
    pats = np.stack([np.where(m, 1, -1).ravel() for m in masks.values()]).astype(np.int8)
    return PatternSet(pats, tuple(masks), (size, size))
