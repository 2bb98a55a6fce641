r"""Reader and writer for TSPLIB symmetric TSP files with ``EDGE_WEIGHT_TYPE: EUC_2D``.

TSPLIB (Reinelt 1991) defines the EUC_2D distance between cities i and j as
:math:`d_{ij} = \mathrm{nint}\big(\sqrt{(x_i-x_j)^2 + (y_i-y_j)^2}\big)`, with
``nint(x) = (int)(x + 0.5)``; the published optimal tour lengths (eil51: 426, berlin52: 7542,
st70: 675, kroA100: 21282) are in these rounded integer distances.

References
----------
G. Reinelt, "TSPLIB — A traveling salesman problem library", ORSA J. Comput. 3:376 (1991), and the
TSPLIB 95 format description.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from .._validation import check_finite_array

__all__ = ["TSPLIBInstance", "euc_2d_distances", "read_tsplib", "write_tsplib"]


@dataclass(frozen=True)
class TSPLIBInstance:
    """A symmetric EUC_2D TSPLIB instance.

    Attributes
    ----------
    name : str
    comment : str
    coords : ndarray of float, shape (n, 2)
        City coordinates, in file order (TSPLIB numbers cities from 1; row k is city k + 1).
    distances : ndarray of float, shape (n, n)
        TSPLIB EUC_2D distances, ``nint`` of the Euclidean distance (integer-valued floats).
    """

    name: str
    comment: str
    coords: np.ndarray
    distances: np.ndarray

    @property
    def n_cities(self) -> int:
        """Number of cities."""
        return int(self.coords.shape[0])


def euc_2d_distances(coords) -> np.ndarray:
    r"""TSPLIB EUC_2D distances :math:`\mathrm{nint}(\lVert x_i - x_j\rVert)`, nint(x) = ⌊x + ½⌋.

    Parameters
    ----------
    coords : array_like, shape (n, 2)

    Returns
    -------
    ndarray of float, shape (n, n)
    """
    c = check_finite_array(coords, "coords", ndim=2)
    if c.shape[1] != 2:
        raise ValueError(f"`coords` must have shape (n_cities, 2); got {c.shape}.")
    return _euc_2d(c)


def _euc_2d(c: np.ndarray) -> np.ndarray:
    diff = c[:, None, :] - c[None, :, :]
    return np.floor(np.sqrt(np.sum(diff * diff, axis=-1)) + 0.5)


def read_tsplib(path) -> TSPLIBInstance:
    """Read a TSPLIB ``TYPE: TSP`` file with ``EDGE_WEIGHT_TYPE: EUC_2D`` and a NODE_COORD_SECTION.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    TSPLIBInstance
        Coordinates and the nint-rounded distance matrix.

    Raises
    ------
    ValueError
        If the file is not a symmetric EUC_2D instance, the coordinate section is missing or
        malformed, or the number of cities disagrees with DIMENSION.

    Examples
    --------
    >>> inst = read_tsplib("eil51.tsp")  # doctest: +SKIP
    >>> inst.n_cities, inst.distances[0, 1]  # doctest: +SKIP
    (51, 13.0)
    """
    fields: dict[str, str] = {}
    rows: list[tuple[int, float, float]] = []
    in_coords = False
    with open(os.fspath(path), encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, start=1):
            line = raw.strip()
            if not line:
                continue
            if line == "EOF":
                break
            if in_coords:
                parts = line.split()
                if len(parts) != 3 or not parts[0].lstrip("-").isdigit():
                    if ":" in line or line.endswith("_SECTION"):
                        in_coords = False  # another section begins
                    else:
                        raise ValueError(
                            f"{path}: line {lineno}: expected 'index x y' in NODE_COORD_SECTION, "
                            f"got {line!r}."
                        )
                else:
                    try:
                        rows.append((int(parts[0]), float(parts[1]), float(parts[2])))
                    except ValueError:
                        raise ValueError(
                            f"{path}: line {lineno}: non-numeric coordinates {line!r}."
                        ) from None
                    continue
            if line.startswith("NODE_COORD_SECTION"):
                in_coords = True
                continue
            if line.endswith("_SECTION"):
                raise ValueError(f"{path}: line {lineno}: section {line!r} is not supported "
                                 "(only NODE_COORD_SECTION of EUC_2D instances).")
            if ":" in line:
                key, value = line.split(":", 1)
                fields[key.strip().upper()] = value.strip()
    kind = fields.get("TYPE", "TSP").upper()
    if kind != "TSP":
        raise ValueError(f"{path}: TYPE is {kind!r}; only symmetric 'TSP' instances are supported.")
    ewt = fields.get("EDGE_WEIGHT_TYPE", "").upper()
    if ewt != "EUC_2D":
        raise ValueError(f"{path}: EDGE_WEIGHT_TYPE is {ewt or 'missing'!r}; only 'EUC_2D' is supported.")
    if not rows:
        raise ValueError(f"{path}: no NODE_COORD_SECTION entries found.")
    idx = np.array([r[0] for r in rows])
    order = np.argsort(idx, kind="stable")
    if not np.array_equal(idx[order], np.arange(1, len(rows) + 1)):
        raise ValueError(f"{path}: city indices must be 1..{len(rows)}, each once.")
    if "DIMENSION" in fields:
        try:
            dim = int(fields["DIMENSION"])
        except ValueError:
            raise ValueError(f"{path}: DIMENSION {fields['DIMENSION']!r} is not an integer.") from None
        if dim != len(rows):
            raise ValueError(f"{path}: DIMENSION is {dim} but {len(rows)} coordinates were read.")
    coords = np.array([(r[1], r[2]) for r in rows], dtype=float)[order]
    if not np.all(np.isfinite(coords)):
        raise ValueError(f"{path}: coordinates must be finite.")
    return TSPLIBInstance(
        name=fields.get("NAME", os.path.splitext(os.path.basename(os.fspath(path)))[0]),
        comment=fields.get("COMMENT", ""),
        coords=coords,
        distances=_euc_2d(coords),
    )


def write_tsplib(path, coords, *, name: str = "instance", comment: str = "") -> None:
    """Write ``coords`` as a TSPLIB EUC_2D file (cities numbered from 1).

    Parameters
    ----------
    path : str or path-like
    coords : array_like, shape (n, 2)
    name, comment : str
        The NAME and COMMENT header fields.
    """
    c = check_finite_array(coords, "coords", ndim=2)
    if c.shape[1] != 2:
        raise ValueError(f"`coords` must have shape (n_cities, 2); got {c.shape}.")
    lines = [f"NAME : {name}"]
    if comment:
        lines.append(f"COMMENT : {comment}")
    lines += ["TYPE : TSP", f"DIMENSION : {c.shape[0]}", "EDGE_WEIGHT_TYPE : EUC_2D",
              "NODE_COORD_SECTION"]
    lines += [f"{k + 1} {x!r} {y!r}" for k, (x, y) in enumerate(c.tolist())]
    lines.append("EOF")
    with open(os.fspath(path), "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
