r"""Dense associative memory as a classifier (Krotov & Hopfield 2016, §4 and App. A).

A DAM with :math:`N_v` visible neurons :math:`v \in [-1, 1]^{N_v}` and :math:`N_c` classification
neurons holds K memories :math:`\xi^\mu = (\xi^\mu_v, \xi^\mu_c) \in [-1, 1]^{N_v + N_c}`, with the
rectified-polynomial energy :math:`E = -\sum_\mu F(\xi^\mu\cdot\sigma)`,
:math:`F(x) = \max(x, 0)^n`. The classification neurons start "off" (at -1) and are updated once;
the energy difference between switching neuron α on and leaving it off is the network's output
(their Eq. 9, ``form="energy"``):

.. math::
    c_\alpha = \tanh\Big[\beta\sum_\mu\Big(F\big(\xi^\mu_v\cdot v + \xi^\mu_\alpha
    - \textstyle\sum_{\gamma\ne\alpha}\xi^\mu_\gamma\big)
    - F\big(\xi^\mu_v\cdot v - \textstyle\sum_\gamma\xi^\mu_\gamma\big)\Big)\Big].

With the classification neurons at :math:`-\varepsilon` and :math:`\beta = 1/(2\varepsilon)` this
becomes, as :math:`\varepsilon \to 0`, the dual feed-forward network (``form="dual"``, Theory reference §7
"Duality")

.. math:: c_\alpha = \tanh\Big[\beta\sum_\mu \xi^\mu_\alpha\, f(\xi^\mu_v\cdot v)\Big],
          \qquad f = F' = n\max(x, 0)^{n-1},

one hidden layer of K units with the ReP\ :sub:`n-1` activation (ReLU for n = 2). Training follows
their recipe: loss :math:`\sum_\alpha (c_\alpha - t_\alpha)^{2m}` with :math:`t = \pm1`, minibatches,
momentum :math:`V \leftarrow pV - \partial L/\partial\xi`, each memory moved by
:math:`\varepsilon_t V^\mu / \max_i |V^\mu_i|` with :math:`\varepsilon_t = \varepsilon_0 f^t`, memories
clipped to [-1, 1] and initialised from :math:`\mathcal N(-0.3, 0.3^2)`, temperature
:math:`\beta = 1/T^n` annealed from :math:`T_i` to :math:`T_f`.

NumPy only; scikit-learn is needed only by :func:`load_digits` (imported lazily).
"""

from __future__ import annotations

import inspect
import numbers
from dataclasses import dataclass, field

import numpy as np

from ._results import SummaryRepr
from ._validation import check_budget, check_finite_array, check_option, check_rng, check_scalar

__all__ = ["DAMClassifier", "TrainingHistory", "load_digits"]

_FORMS = ("dual", "energy")
_SCALINGS = ("none", "unit", "minmax")


def load_digits(*, test_fraction: float = 0.25, rng=0):
    """scikit-learn's 8×8 digits (bundled, no download), pixels scaled to [-1, 1], split in two.

    Parameters
    ----------
    test_fraction : float, default=0.25
        Share of each class held out as the test set (a stratified split).
    rng : int or numpy.random.Generator, default=0
        Randomness of the split.

    Returns
    -------
    X_train, y_train, X_test, y_test : ndarray
        ``X`` float64 (n_samples, 64) in [-1, 1]; ``y`` int labels 0..9.
    """
    try:
        from sklearn.datasets import load_digits as _sk_load_digits
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("load_digits needs scikit-learn: pip install scikit-learn "
                          "(or hopfield[dev]).") from exc
    check_scalar(test_fraction, "test_fraction", numbers.Real, min_val=0, max_val=1,
                 include_min=False, include_max=False)
    gen = check_rng(rng)
    data = _sk_load_digits()
    x = 2.0 * data.data / 16.0 - 1.0
    y = data.target.astype(np.int64)
    test = np.zeros(y.size, dtype=bool)
    for c in np.unique(y):
        idx = gen.permutation(np.flatnonzero(y == c))
        test[idx[: round(test_fraction * idx.size)]] = True
    return x[~test], y[~test], x[test], y[test]


def _not_fitted_error(message: str) -> Exception:
    """scikit-learn's NotFittedError (a ValueError) where scikit-learn is installed, else ValueError."""
    try:
        from sklearn.exceptions import NotFittedError
    except ImportError:
        return ValueError(message)
    return NotFittedError(message)


@dataclass(frozen=True, repr=False)
class TrainingHistory(SummaryRepr):
    """Per-epoch record of :meth:`DAMClassifier.fit`.

    Attributes
    ----------
    train_error : ndarray of float
        Training error (fraction) measured on each epoch's minibatches as they were seen.
    test_error : ndarray of float
        Error on the validation set after each epoch (empty without one).
    loss : ndarray of float
        Mean loss per training example in each epoch.
    temperature : ndarray of float
        Temperature T used in each epoch.
    """

    train_error: np.ndarray
    test_error: np.ndarray
    loss: np.ndarray
    temperature: np.ndarray = field(default_factory=lambda: np.zeros(0))


class DAMClassifier:
    r"""Krotov–Hopfield dense associative memory classifier (rectified polynomial energy).

    Parameters
    ----------
    n_memories : int, default=100
        Number of memories K (hidden units of the dual network).
    n : int, default=3
        Power of the rectified polynomial :math:`F(x) = \max(x, 0)^n` (>= 2).
    form : {"dual", "energy"}, default="dual"
        ``"dual"``: :math:`c_\alpha = \tanh[\beta\sum_\mu\xi^\mu_\alpha f(\xi^\mu_v\cdot v)]`;
        ``"energy"``: the paper's Eq. 9 energy difference with classification neurons at -1.
    loss_power : int, optional
        m in the loss :math:`\sum(c - t)^{2m}`; default 2 for n <= 5, else the larger of 2 and
        n (the paper uses m = 2..4 for small n and m ≈ 30 for n = 20, 30).
    temperature : float or (float, float), optional
        T, or (T_initial, T_final) annealed linearly over ``anneal_epochs``; default
        (0.5 N_v, 0.12 N_v) for n <= 5 and 0.8 N_v for larger n (the paper's MNIST values scaled
        from N_v = 784 to the number of features).
    anneal_epochs : int, default=100
        Length of the temperature ramp.
    epochs : int, default=100
        Training epochs of :meth:`fit` (``fit(..., epochs=k)`` overrides it for one call).
    learning_rate : float, default=0.04
        :math:`\varepsilon_0`.
    decay : float, default=0.998
        :math:`\varepsilon_t = \varepsilon_0\,\mathrm{decay}^t` (t = epoch).
    momentum : float, default=0.6
        p in :math:`V \leftarrow pV + (-\partial L/\partial\xi)`.
    batch_size : int, default=100
    init_mean, init_std : float, default=-0.3, 0.3
        Initial memories :math:`\mathcal N(\mu, \sigma^2)`, clipped to [-1, 1].
    input_scaling : {"none", "unit", "minmax"}, default="none"
        How inputs reach the visible neurons, which live in [-1, 1]. ``"none"``: ``X`` must already
        be in [-1, 1] (data with no negative value, such as pixels in [0, 1], is refused, because it
        trains to chance); ``"unit"``: ``X`` in [0, 1] is mapped by :math:`x \mapsto 2x - 1`;
        ``"minmax"``: each feature's training range is mapped to [-1, 1] (values outside it at
        prediction saturate; constant features become 0).
    random_state : int or numpy.random.Generator, optional
        Initialisation and minibatch order (scikit-learn's name). An int seed makes every
        :meth:`fit` identical.
    rng : int or numpy.random.Generator, optional
        Alias of ``random_state`` (the name the rest of the library uses); give one of them.

    Attributes
    ----------
    memories_ : ndarray, shape (n_memories, n_features + n_classes)
        The trained memories :math:`\xi^\mu = (\xi^\mu_v, \xi^\mu_c)`.
    classes_ : ndarray
        Class labels, in the order of the classification neurons.
    history_ : TrainingHistory
    n_features_in_ : int
        Number of features seen by :meth:`fit`.
    temperature_ : float
        The final temperature of training, used by prediction.
    data_min_, data_max_ : ndarray, shape (n_features,)
        Per-feature training range (only with ``input_scaling="minmax"``).

    Notes
    -----
    A scikit-learn estimator without depending on scikit-learn: ``get_params``/``set_params``,
    ``clone``, pipelines, ``cross_val_score`` and grid search work, and
    ``sklearn.utils.estimator_checks.check_estimator`` passes with ``input_scaling="minmax"`` (the
    checks feed data of any range; the default refuses data outside [-1, 1]) except for one check,
    by choice: a column-vector ``y`` of shape (n, 1) is refused with an error, where scikit-learn
    would warn and ravel it.

    References
    ----------
    D. Krotov and J. J. Hopfield, NeurIPS 2016 (arXiv 1606.01164), §3–4, App. A.

    Examples
    --------
    >>> from hopfield.dam_classifier import DAMClassifier, load_digits
    >>> Xtr, ytr, Xte, yte = load_digits(rng=0)                     # doctest: +SKIP
    >>> clf = DAMClassifier(n_memories=100, n=3, rng=0).fit(Xtr, ytr, epochs=30)  # doctest: +SKIP
    >>> clf.score(Xte, yte) > 0.9                                   # doctest: +SKIP
    True
    >>> from sklearn.model_selection import cross_val_score          # doctest: +SKIP
    >>> cross_val_score(DAMClassifier(50, 3, epochs=20, random_state=0), Xtr, ytr, cv=3)  # doctest: +SKIP
    """

    def __init__(self, n_memories: int = 100, n: int = 3, *, form: str = "dual",
                 loss_power: int | None = None, temperature=None, anneal_epochs: int = 100,
                 epochs: int = 100, learning_rate: float = 0.04, decay: float = 0.998,
                 momentum: float = 0.6, batch_size: int = 100, init_mean: float = -0.3,
                 init_std: float = 0.3, input_scaling: str = "none", random_state=None, rng=None):
        # scikit-learn's convention: store every parameter unchanged (get_params / clone read them
        # back, set_params writes them); fit validates them all.
        self.n_memories = n_memories
        self.n = n
        self.form = form
        self.loss_power = loss_power
        self.temperature = temperature
        self.anneal_epochs = anneal_epochs
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.decay = decay
        self.momentum = momentum
        self.batch_size = batch_size
        self.init_mean = init_mean
        self.init_std = init_std
        self.input_scaling = input_scaling
        self.random_state = random_state
        self.rng = rng

    def _validate_params(self) -> None:
        check_scalar(self.n_memories, "n_memories", numbers.Integral, min_val=1)
        check_scalar(self.n, "n", numbers.Integral, min_val=2)
        check_option(self.form, "form", _FORMS)
        if self.loss_power is not None:
            check_scalar(self.loss_power, "loss_power", numbers.Integral, min_val=1)
        check_scalar(self.anneal_epochs, "anneal_epochs", numbers.Integral, min_val=0)
        check_scalar(self.epochs, "epochs", numbers.Integral, min_val=1)
        check_scalar(self.learning_rate, "learning_rate", numbers.Real, min_val=0, include_min=False)
        check_scalar(self.decay, "decay", numbers.Real, min_val=0, max_val=1, include_min=False)
        check_scalar(self.momentum, "momentum", numbers.Real, min_val=0, max_val=1, include_max=False)
        check_scalar(self.batch_size, "batch_size", numbers.Integral, min_val=1)
        check_scalar(self.init_mean, "init_mean", numbers.Real, min_val=-1, max_val=1)
        check_scalar(self.init_std, "init_std", numbers.Real, min_val=0)
        check_option(self.input_scaling, "input_scaling", _SCALINGS)
        if self.temperature is not None:
            temps = np.atleast_1d(check_finite_array(self.temperature, "temperature", ndim=(0, 1)))
            if temps.ndim != 1 or temps.size not in (1, 2) or not np.all(np.isfinite(temps)) \
                    or np.any(temps <= 0):
                raise ValueError("`temperature` must be a positive float T or a pair "
                                 f"(T_initial, T_final); got {self.temperature!r}.")
        if self.random_state is not None and self.rng is not None:
            raise ValueError("give `random_state` or its alias `rng`, not both.")

    @property
    def _loss_power(self) -> int:
        if self.loss_power is not None:
            return int(self.loss_power)
        return 2 if self.n <= 5 else max(2, int(self.n))

    # ------------------------------------------------------------------ scikit-learn protocol
    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return [p for p in sig.parameters if p != "self"]

    def get_params(self, deep: bool = True) -> dict:
        """The constructor's parameters (scikit-learn's estimator protocol; ``deep`` is unused)."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params) -> DAMClassifier:
        """Set constructor parameters (scikit-learn's protocol; :meth:`fit` validates them); returns self."""
        valid = self._param_names()
        for name in params:
            if name not in valid:
                raise ValueError(f"invalid parameter {name!r} for DAMClassifier; valid parameters "
                                 f"are {valid}.")
        for name, value in params.items():
            setattr(self, name, value)
        return self

    def __sklearn_tags__(self):
        # only scikit-learn calls this, so importing it here adds nothing to `import hopfield`
        from sklearn.utils import ClassifierTags, InputTags, Tags, TargetTags

        return Tags(estimator_type="classifier", target_tags=TargetTags(required=True),
                    classifier_tags=ClassifierTags(), input_tags=InputTags())

    def __repr__(self) -> str:
        defaults = {p.name: p.default for p in inspect.signature(type(self).__init__).parameters.values()
                    if p.name != "self"}
        shown = [f"{k}={v!r}" for k, v in self.get_params().items()
                 if not (v is defaults[k] or (type(v) is type(defaults[k]) and v == defaults[k]))]
        return f"DAMClassifier({', '.join(shown)})"

    # ------------------------------------------------------------------ temperature
    def _schedule(self, n_features: int, epochs: int) -> np.ndarray:
        if self.temperature is None:
            t0, t1 = (0.5 * n_features, 0.12 * n_features) if self.n <= 5 else \
                (0.8 * n_features, 0.8 * n_features)
        else:
            temps = np.atleast_1d(np.asarray(self.temperature, dtype=np.float64))
            t0, t1 = (float(temps[0]), float(temps[-1]))
        ep = np.arange(epochs, dtype=np.float64)
        ramp = np.minimum(ep / self.anneal_epochs, 1.0) if self.anneal_epochs > 0 else np.ones_like(ep)
        return t0 + (t1 - t0) * ramp

    # ------------------------------------------------------------------ forward and gradient
    def _forward(self, xi, v, temp, *, grad_out=None):
        """Outputs c (B, Nc); with ``grad_out`` = dL/dc also returns -dL/dξ (ascent direction).

        Every β·F and β·f is formed as a power of (x / T), so large n cannot overflow.
        """
        n = self.n
        n_v = v.shape[1]
        xv, xc = xi[:, :n_v], xi[:, n_v:]
        h = v @ xv.T  # (B, K)
        if self.form == "dual":
            r = np.maximum(h, 0.0) / temp
            bf = (n / temp) * r ** (n - 1)  # β f(h) = n max(h,0)^(n-1) / T^n
            c = np.tanh(bf @ xc)  # (B, Nc)
            if grad_out is None:
                return c
            g = grad_out * (1.0 - c * c)  # dL/ds
            g_c = bf.T @ g  # (K, Nc)
            bfp = (n * (n - 1) / temp**2) * r ** (n - 2) if n > 2 else (2.0 / temp**2) * (h > 0)
            g_h = (g @ xc.T) * bfp  # (B, K)
            g_v = g_h.T @ v
            return c, -np.concatenate([g_v, g_c], axis=1)
        # energy form (their Eq. 9): classification neurons off (-1), switch α on
        base = h - xc.sum(axis=1)  # (B, K): all classification neurons at -1
        on = base[:, :, None] + 2.0 * xc[None, :, :]  # (B, K, Nc)
        r_on = np.maximum(on, 0.0) / temp
        r_off = np.maximum(base, 0.0) / temp
        s = (r_on**n).sum(axis=1) - (r_off**n).sum(axis=1)[:, None]  # β Σ_μ [F(on) − F(off)]
        c = np.tanh(s)
        if grad_out is None:
            return c
        g = grad_out * (1.0 - c * c)  # (B, Nc)
        f_on = (n / temp) * r_on ** (n - 1)  # β F'(on)
        f_off = (n / temp) * r_off ** (n - 1)  # β F'(off)
        w_on = f_on * g[:, None, :]  # (B, K, Nc)
        gsum = g.sum(axis=1)  # (B,)
        # d on_{bμα}/dξ_v = v_b, d on/dξ_cγ = 2δ_αγ − 1; d off/dξ_v = v_b, d off/dξ_cγ = −1
        coef_v = w_on.sum(axis=2) - f_off * gsum[:, None]  # (B, K)
        g_v = coef_v.T @ v
        g_c = 2.0 * w_on.sum(axis=0) - w_on.sum(axis=(0, 2))[:, None] \
            + (f_off * gsum[:, None]).sum(axis=0)[:, None]
        return c, -np.concatenate([g_v, g_c], axis=1)

    def _loss_grad(self, c, t):
        m = self._loss_power
        d = c - t
        return (d ** (2 * m)).sum(axis=1), 2 * m * d ** (2 * m - 1)

    # ------------------------------------------------------------------ public API
    def _check_x(self, x, name="X", *, fitting=False):
        if hasattr(x, "toarray") or hasattr(x, "tocsr"):
            raise TypeError(f"`{name}` is a sparse matrix: sparse input is not supported; pass a dense "
                            "array (e.g. X.toarray()).")
        try:
            raw = np.asarray(x) if not isinstance(x, np.ndarray) else x
        except ValueError as exc:
            raise ValueError(f"`{name}` must be a 2-D numeric array: {exc}") from None
        if np.iscomplexobj(raw):
            raise ValueError(f"Complex data not supported: `{name}` is complex, and the visible neurons are "
                             "real.")
        if raw.ndim == 1:
            raise ValueError(f"`{name}` must be 2-D, one row per sample; got a 1-D array of shape "
                             f"{raw.shape}. Reshape your data with X.reshape(-1, 1) for one feature "
                             "or X.reshape(1, -1) for one sample.")
        arr = check_finite_array(raw, name, ndim=2, allow_empty=True)
        if arr.shape[0] == 0:
            raise ValueError(f"`{name}` has 0 sample(s) (shape={arr.shape}) while a minimum of 1 is "
                             "required.")
        if arr.shape[1] == 0:
            raise ValueError(f"`{name}` has 0 feature(s) (shape={arr.shape}) while a minimum of 1 is "
                             "required.")
        if not fitting and arr.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {arr.shape[1]} features, but DAMClassifier is expecting "
                             f"{self.n_features_in_} features as input (`{name}`).")
        scaling = self.input_scaling
        if scaling == "unit":
            if np.any(arr < -1e-12) or np.any(arr > 1.0 + 1e-12):
                raise ValueError(f"with input_scaling='unit', `{name}` must lie in [0, 1]; found values "
                                 f"in [{arr.min():.3g}, {arr.max():.3g}].")
            return 2.0 * arr - 1.0
        if scaling == "minmax":
            if fitting:
                self.data_min_ = arr.min(axis=0)
                self.data_max_ = arr.max(axis=0)
            span = self.data_max_ - self.data_min_
            safe = np.where(span > 0, span, 1.0)
            out = np.where(span > 0, 2.0 * (arr - self.data_min_) / safe - 1.0, 0.0)
            return np.clip(out, -1.0, 1.0)  # unseen values beyond the training range saturate
        if np.any(np.abs(arr) > 1.0 + 1e-12):
            raise ValueError(f"`{name}` must be scaled to [-1, 1] (the visible neurons' range); "
                             f"found values in [{arr.min():.3g}, {arr.max():.3g}]. Rescale it, or "
                             "pass input_scaling='minmax' (each feature's training range to [-1, 1]).")
        if fitting and arr.min() >= 0.0:
            # [0, 1] data leaves every visible neuron on one side: training then stays at chance
            raise ValueError(f"`{name}` has no negative values: it looks like data in [0, 1], on which "
                             "the classifier trains to chance (its visible neurons live in [-1, 1]). "
                             "Pass input_scaling='unit' (x -> 2x - 1) or 'minmax', or rescale it.")
        return arr

    def _check_y(self, y, n_samples, name_y="y", name_x="X"):
        if y is None:
            raise ValueError("DAMClassifier requires y to be passed, but the target y is None.")
        try:
            labels = np.asarray(y)
        except ValueError as exc:
            raise ValueError(f"`{name_y}` must be a 1-D array of labels: {exc}") from None
        if labels.dtype.kind in "fc" and not np.all(np.isfinite(labels)):
            raise ValueError(f"`{name_y}` contains NaN or inf; labels must be finite (or strings).")
        if labels.dtype.kind == "c":
            raise TypeError(f"`{name_y}` is complex; labels are ints, reals or strings.")
        if labels.ndim == 2 and labels.shape[1] == 1:
            raise ValueError(f"`{name_y}` must be 1-D (one label per sample); got a column of shape "
                             f"{labels.shape}: use y.ravel().")
        if labels.ndim != 1 or labels.shape[0] != n_samples:
            raise ValueError(f"`{name_y}` must be 1-D with one label per row of `{name_x}` "
                             f"({n_samples}); got shape {labels.shape}.")
        if labels.dtype.kind == "c":
            raise ValueError(f"`{name_y}` is complex; class labels must be integers or strings.")
        if labels.dtype.kind == "f":
            if not np.all(np.isfinite(labels)):
                raise ValueError(f"`{name_y}` holds NaN or infinite labels.")
            if np.any(labels != np.round(labels)):
                raise ValueError(f"Unknown label type: continuous. `{name_y}` holds non-integer "
                                 "values: a classifier needs class labels, not a regression target.")
        return labels

    def fit(self, X, y, *, epochs: int | None = None, X_val=None, y_val=None) -> DAMClassifier:
        """Train from a fresh initialisation.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
            Inputs in [-1, 1] (or as ``input_scaling`` says).
        y : array_like, shape (n_samples,)
            Class labels (at least two classes).
        epochs : int, optional
            Overrides the ``epochs`` parameter for this call.
        X_val, y_val : array_like, optional
            A held-out set whose error is recorded after each epoch in ``history_.test_error``.

        Returns
        -------
        self
        """
        self._validate_params()
        epochs = self.epochs if epochs is None else epochs
        check_budget(epochs, "epochs")
        x = self._check_x(X, fitting=True)
        labels = self._check_y(y, x.shape[0])
        classes = np.unique(labels)
        if classes.size < 2:
            raise ValueError(f"`y` must hold at least two classes; got only one class: {classes.tolist()}.")
        if (X_val is None) != (y_val is None):
            raise ValueError("give both `X_val` and `y_val`, or neither.")
        self.n_features_in_ = x.shape[1]
        xval = yval = None
        if X_val is not None:
            xval = self._check_x(X_val, "X_val")
            yval = self._check_y(y_val, xval.shape[0], "y_val", "X_val")
        n_samples, n_v = x.shape
        n_c = classes.size
        targets = -np.ones((n_samples, n_c))
        targets[np.arange(n_samples), np.searchsorted(classes, labels)] = 1.0
        gen = check_rng(self.random_state if self.rng is None else self.rng)
        xi = np.clip(gen.normal(self.init_mean, self.init_std, (self.n_memories, n_v + n_c)),
                     -1.0, 1.0)
        vel = np.zeros_like(xi)
        temps = self._schedule(n_v, int(epochs))
        tr_err, te_err, losses = [], [], []
        self.classes_ = classes
        for ep in range(int(epochs)):
            lr = self.learning_rate * self.decay**ep
            temp = temps[ep]
            perm = gen.permutation(n_samples)
            wrong = 0
            tot_loss = 0.0
            for start in range(0, n_samples, self.batch_size):
                idx = perm[start:start + self.batch_size]
                v, t = x[idx], targets[idx]
                c = self._forward(xi, v, temp)
                loss, dl_dc = self._loss_grad(c, t)
                _, ascent = self._forward(xi, v, temp, grad_out=dl_dc)
                vel = self.momentum * vel + ascent
                scale = np.abs(vel).max(axis=1, keepdims=True)
                xi = np.clip(xi + lr * vel / np.maximum(scale, 1e-30), -1.0, 1.0)
                wrong += int(np.sum(np.argmax(c, axis=1) != np.argmax(t, axis=1)))
                tot_loss += float(loss.sum())
            self.memories_ = xi
            self.temperature_ = float(temp)
            tr_err.append(wrong / n_samples)
            losses.append(tot_loss / n_samples)
            if xval is not None:
                te_err.append(float(np.mean(self._predict_scaled(xval) != yval)))
        self.history_ = TrainingHistory(np.array(tr_err), np.array(te_err), np.array(losses),
                                        temps.copy())
        return self

    def _check_fitted(self):
        if getattr(self, "memories_", None) is None:
            raise _not_fitted_error("this DAMClassifier is not fitted yet; call `fit` first.")

    def _outputs(self, x) -> np.ndarray:
        return self._forward(self.memories_, x, self.temperature_)

    def _predict_scaled(self, x) -> np.ndarray:
        return self.classes_[np.argmax(self._outputs(x), axis=1)]

    def outputs(self, X) -> np.ndarray:
        """Outputs :math:`c_\\alpha \\in (-1, 1)` of the classification neurons, (n_samples, n_classes)."""
        self._check_fitted()
        return self._outputs(self._check_x(X))

    def decision_function(self, X) -> np.ndarray:
        """scikit-learn's decision function: :meth:`outputs`, or for two classes ``c_1 - c_0``.

        Returns
        -------
        ndarray, shape (n_samples, n_classes), or (n_samples,) when there are two classes
            (positive favours ``classes_[1]``, as scikit-learn's binary classifiers do).
        """
        c = self.outputs(X)
        return c[:, 1] - c[:, 0] if c.shape[1] == 2 else c

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities: the outputs mapped to [0, 1] and normalised, (n_samples, n_classes).

        :math:`p_\\alpha = (1 + c_\\alpha) / \\sum_\\gamma (1 + c_\\gamma)` (uniform where every output
        is -1). A monotone reading of the outputs, so ``argmax`` agrees with :meth:`predict`; it is
        not calibrated.
        """
        on = 1.0 + self.outputs(X)
        total = on.sum(axis=1, keepdims=True)
        uniform = np.full_like(on, 1.0 / on.shape[1])
        return np.where(total > 0, on / np.where(total > 0, total, 1.0), uniform)

    def predict(self, X) -> np.ndarray:
        """The class whose classification neuron has the largest output."""
        c = self.outputs(X)
        return self.classes_[np.argmax(c, axis=1)]

    def score(self, X, y) -> float:
        """Accuracy on ``(X, y)``."""
        pred = self.predict(X)
        labels = self._check_y(y, pred.shape[0])
        return float(np.mean(pred == labels))
