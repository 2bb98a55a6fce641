"""The toy data sets of ``hflayers`` (``hflayers.auxiliary.data``) for multiple-instance and
sequence tasks, as :class:`torch.utils.data.Dataset` objects.

* :class:`BitPatternSet`: bags of random bit patterns; a bag is positive when it contains one of
  a few implanted *signal* patterns (multiple-instance learning, Ramsauer et al. §4).
* :class:`LatchSequenceSet`: one-hot sequences whose label is the first symbol (0 or 1), which
  the model must remember over the whole sequence (the "latch" task of Hochreiter &
  Schmidhuber 1997).

Both draw exactly the numbers ``hflayers`` draws for the same seeds (same torch calls in the
same order), but from a private :class:`torch.Generator`, so creating one never reseeds torch's
global random state.
"""

from __future__ import annotations

import math
import numbers

import torch
from torch.utils.data import Dataset

from .._validation import check_scalar

__all__ = ["BitPatternSet", "LatchSequenceSet"]


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(int(seed))


class BitPatternSet(Dataset):
    """Binary multiple-instance data set: bags of bit patterns, signals implanted in positives.

    Parameters
    ----------
    num_bags, num_instances : int
        Number of bags and of instances (bit patterns) per bag.
    num_signals : int
        Number of distinct signal patterns (< 2**num_bits - 1).
    num_signals_per_bag : int, default=1
        Signals implanted into each positive bag (at distinct positions).
    fraction_targets : float, default=0.5
        Fraction of positive bags (the first ``ceil(num_bags * fraction_targets)``).
    num_bits : int, default=8
    dtype : torch.dtype, default=torch.float32
        Dtype of the returned tensors.
    seed_signals, seed_data : int, default=43, 44
        Seeds of the signal patterns and of the bags.

    Notes
    -----
    Instances are uniform random bit patterns, never all-zero and never equal to a signal; then
    each positive bag gets ``num_signals_per_bag`` signals at random distinct positions.
    ``dataset[i]`` is ``{"data": (num_instances, num_bits), "target": ()}``.
    """

    def __init__(self, num_bags: int, num_instances: int, num_signals: int,
                 num_signals_per_bag: int = 1, fraction_targets: float = 0.5, num_bits: int = 8,
                 dtype: torch.dtype = torch.float32, seed_signals: int = 43, seed_data: int = 44):
        check_scalar(num_bags, "num_bags", numbers.Integral, min_val=1)
        check_scalar(num_instances, "num_instances", numbers.Integral, min_val=1)
        check_scalar(num_signals, "num_signals", numbers.Integral, min_val=1)
        check_scalar(num_signals_per_bag, "num_signals_per_bag", numbers.Integral, min_val=0,
                     max_val=num_instances)
        check_scalar(fraction_targets, "fraction_targets", numbers.Real, min_val=0.0,
                     max_val=1.0, include_min=False, include_max=False)
        check_scalar(num_bits, "num_bits", numbers.Integral, min_val=1)
        if 2 ** int(num_bits) - 1 <= num_signals:
            raise ValueError(f"`num_signals` ({num_signals}) must be smaller than 2**num_bits - 1 "
                             f"= {2 ** int(num_bits) - 1} (distinct non-zero patterns).")
        for name, seed in (("seed_signals", seed_signals), ("seed_data", seed_data)):
            check_scalar(seed, name, numbers.Integral)
        self.num_bags, self.num_instances = int(num_bags), int(num_instances)
        self.num_signals, self.num_signals_per_bag = int(num_signals), int(num_signals_per_bag)
        self.num_bits, self.dtype = int(num_bits), dtype
        self.num_targets_high = min(self.num_bags,
                                    max(1, math.ceil(self.num_bags * float(fraction_targets))))
        self.num_targets_low = self.num_bags - self.num_targets_high
        self.seed_signals, self.seed_data = int(seed_signals), int(seed_data)
        self._data, self._targets, self._signals = self._generate()

    def _generate(self):
        g = _gen(self.seed_signals)
        bits = self.num_bits
        signals = torch.randint(0, 2, (self.num_signals, bits), generator=g)
        while True:                                     # distinct, non-zero signals
            signals = torch.unique(signals, dim=0)
            signals = signals[signals.sum(dim=1) != 0]
            missing = self.num_signals - signals.shape[0]
            if missing <= 0:
                break
            signals = torch.cat((signals, torch.randint(0, 2, (missing, bits), generator=g)))
        g = _gen(self.seed_data)
        data = torch.randint(0, 2, (self.num_bags, self.num_instances, bits), generator=g)
        targets = torch.zeros(self.num_bags, dtype=data.dtype)
        targets[:self.num_targets_high] = 1
        while True:                                     # no all-zero or signal instances
            is_signal = torch.stack([(data == s).all(dim=2) for s in signals]).sum(dim=0) > 0
            invalid = (data.sum(dim=2) == 0) | is_signal
            n_bad = int(invalid.sum())
            if n_bad == 0:
                break
            data[invalid] = torch.randint(0, 2, (n_bad, bits), generator=g)
        for bag in range(self.num_targets_high):        # implant the signals
            used = []
            for _ in range(self.num_signals_per_bag):
                while True:
                    pos = torch.randint(0, data.shape[1], (1,), generator=g)
                    if pos not in used:
                        used.append(pos)
                        break
                which = torch.randint(0, signals.shape[0], (1,), generator=g)
                data[bag, pos] = signals[which]
        return data, targets, signals

    def __len__(self) -> int:
        return self.num_bags

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        return {"data": self._data[index].to(dtype=self.dtype),
                "target": self._targets[index].to(dtype=self.dtype)}

    @property
    def bags(self) -> torch.Tensor:
        """All bags, (num_bags, num_instances, num_bits) integers (a copy)."""
        return self._data.clone()

    @property
    def targets(self) -> torch.Tensor:
        """Bag labels (a copy)."""
        return self._targets.clone()

    @property
    def signals(self) -> torch.Tensor:
        """The signal patterns (a copy)."""
        return self._signals.clone()


class LatchSequenceSet(Dataset):
    """Latch task: one-hot sequences labelled by their first symbol (0 or 1).

    Parameters
    ----------
    num_samples : int
    num_instances : int, default=20
        Sequence length.
    num_characters : int, default=6
        Alphabet size (symbols 0 and 1 only at the first position; 2.. elsewhere).
    dtype : torch.dtype, default=torch.float32
    seed : int, default=43

    Notes
    -----
    ``dataset[i]`` is ``{"data": (num_instances, num_characters) one-hot, "target": ()}``.
    """

    def __init__(self, num_samples: int, num_instances: int = 20, num_characters: int = 6,
                 dtype: torch.dtype = torch.float32, seed: int = 43):
        check_scalar(num_samples, "num_samples", numbers.Integral, min_val=1)
        check_scalar(num_instances, "num_instances", numbers.Integral, min_val=1)
        check_scalar(num_characters, "num_characters", numbers.Integral, min_val=3)
        check_scalar(seed, "seed", numbers.Integral)
        self.num_samples, self.num_instances = int(num_samples), int(num_instances)
        self.num_characters, self.dtype, self.seed = int(num_characters), dtype, int(seed)
        g = _gen(self.seed)
        data = torch.randint(2, self.num_characters, (self.num_samples, self.num_instances),
                             generator=g)
        signal = torch.randint(0, 2, (self.num_samples,), generator=g)
        data[:, 0] = signal
        self._data = torch.nn.functional.one_hot(data, num_classes=self.num_characters)
        self._targets = signal

    def __len__(self) -> int:
        return self.num_samples

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        return {"data": self._data[index].to(dtype=self.dtype),
                "target": self._targets[index].to(dtype=self.dtype)}

    @property
    def targets(self) -> torch.Tensor:
        """Sequence labels (a copy)."""
        return self._targets.clone()
