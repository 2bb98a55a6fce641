"""hf.plot: the figure functions refuse the likely mistakes by name, before drawing anything.

The hostile-input sweep over every argument is in tests/test_fuzz.py (entries in
tests/fuzz_entries.py); these tests pin the messages of the mistakes users actually make.
"""

import numpy as np
import pytest
from matplotlib.figure import Figure

import hopfield as hf
from hopfield import optimize as opt


@pytest.fixture(scope="module")
def letters():
    """Three 7 × 7 letters, noisy probes and their recall (with energy traces)."""
    data = hf.datasets.letters("TIL", scale=1)
    probes = hf.patterns.flip(data.patterns, 0.1, rng=0)
    net = hf.HopfieldNetwork(49).store(data.patterns)
    return data, probes, net.recall(probes, update="sync", max_sweeps=5, trace=True, rng=0)


@pytest.fixture(scope="module")
def cities():
    xy = np.random.default_rng(0).random((5, 2))
    return xy, opt.solve_tsp(xy, method="potts", replicas=1, rng=0)


RING = np.roll(np.eye(6), 1, axis=1) + np.roll(np.eye(6), -1, axis=1)


def test_figures_draw_without_touching_their_inputs(letters, cities, tmp_path):
    data, probes, res = letters
    xy, tsp = cities
    before = [a.copy() for a in (data.patterns, probes, res.states, res.energy_trace, xy, tsp.V)]
    masked = hf.patterns.mask(probes, 0.3, value=0, rng=0)  # a masked probe's 0 is a valid pixel
    fig = hf.plot.recall_figure(data.patterns, masked, res.states, data.shape, names=data.names,
                                energy_traces=res.energy_trace, path=tmp_path / "recall.png")
    assert isinstance(fig, Figure) and (tmp_path / "recall.png").read_bytes()[:4] == b"\x89PNG"
    hf.plot.tsp_figure(xy, [tsp.tour, None], labels=["network", None], energy_trace=tsp.energy_trace,
                       V=tsp.V)
    after = (data.patterns, probes, res.states, res.energy_trace, xy, tsp.V)
    for a, b in zip(before, after, strict=True):
        np.testing.assert_array_equal(a, b)


def test_recall_figure_rows_must_match(letters):
    data, probes, res = letters
    with pytest.raises(ValueError, match=r"`targets`, `probes` and `recalled` must have the same shape.*"
                                         r"probes \(2, 49\)"):
        hf.plot.recall_figure(data.patterns, probes[:2], res.states, data.shape)


def test_recall_figure_shape_must_hold_the_pixels(letters):
    data, probes, res = letters
    with pytest.raises(ValueError, match=r"`shape` \(5, 5\) holds 25 pixels but each image has 49 entries"):
        hf.plot.recall_figure(data.patterns, probes, res.states, (5, 5))
    with pytest.raises(TypeError, match=r"`shape` must be \(height, width\)"):
        hf.plot.recall_figure(data.patterns, probes, res.states, 49)


def test_recall_figure_one_name_and_one_trace_per_image(letters):
    data, probes, res = letters
    with pytest.raises(ValueError, match="`names` has 2 entries but there are 3 images"):
        hf.plot.recall_figure(data.patterns, probes, res.states, data.shape, names=["T", "I"])
    with pytest.raises(TypeError, match="`names` must be a sequence"):
        hf.plot.recall_figure(data.patterns, probes, res.states, data.shape, names="TIL")
    with pytest.raises(ValueError, match="`energy_traces` has 1 entries but there are 3 images"):
        hf.plot.recall_figure(data.patterns, probes, res.states, data.shape,
                              energy_traces=res.energy_trace[:1])


def test_recall_figure_pixels_in_range(letters):
    data, probes, res = letters
    with pytest.raises(ValueError, match=r"`probes` must hold pixel values in \[-1, 1\]"):
        hf.plot.recall_figure(data.patterns, (probes + 1) * 127, res.states, data.shape)


def test_tsp_figure_coords_and_tours(cities):
    xy, tsp = cities
    bad = xy.copy()
    bad[2, 0] = np.nan
    with pytest.raises(ValueError, match="`coords` contains NaN"):
        hf.plot.tsp_figure(bad, [tsp.tour])
    with pytest.raises(ValueError, match=r"`tours\[0\]` must be a permutation of 0..4"):
        hf.plot.tsp_figure(xy, [[0, 1, 1, 3, 4]])
    with pytest.raises(ValueError, match=r"`tours\[1\]` must have shape \(5,\) to match `coords`"):
        hf.plot.tsp_figure(xy, [tsp.tour, [0, 1, 2]])
    with pytest.raises(TypeError, match=r"`tours` is a single tour; pass a list of tours: tours=\[tour\]"):
        hf.plot.tsp_figure(xy, tsp.tour)
    with pytest.raises(ValueError, match="`labels` has 1 entries but there are 2 tours"):
        hf.plot.tsp_figure(xy, [tsp.tour, None], labels=["network"])
    with pytest.raises(ValueError, match=r"`V` must have shape \(5, 5\)"):
        hf.plot.tsp_figure(xy, [tsp.tour], V=tsp.V[:4])


def test_path_is_checked_before_drawing(cities, tmp_path, monkeypatch):
    xy, tsp = cities
    with pytest.raises(FileNotFoundError, match=r"`path` .*: the folder .*missing.* does not exist"):
        hf.plot.tsp_figure(xy, [tsp.tour], path=tmp_path / "missing" / "tour.png")
    with pytest.raises(ValueError, match=r"`path` .* ends in '\.pgn', a format Matplotlib cannot write"):
        hf.plot.tsp_figure(xy, [tsp.tour], path=tmp_path / "tour.pgn")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match="`path` is an empty string"):  # was: a hidden '.png' written
        hf.plot.tsp_figure(xy, [tsp.tour], path="")
    assert not list(tmp_path.iterdir())


def test_maxcut_figure_result_and_graph():
    res = opt.solve_maxcut(RING, steps=20, replicas=2, rng=0)
    with pytest.raises(ValueError, match="`graph` has 5 nodes but `result` partitions 6"):
        hf.plot.maxcut_figure(res, RING[:5, :5])
    with pytest.raises(TypeError, match="`result` must be an OptimizeResult"):
        hf.plot.maxcut_figure(res.x, RING)
    hf.plot.maxcut_figure(res, RING, best_known=6)


def test_capacity_figure_one_n_per_figure():
    kw = dict(loads=(0.05,), trials=1, rng=0)
    curves = [hf.analysis.capacity_curve("hebb", n_neurons=n, **kw) for n in (20, 30)]
    with pytest.raises(ValueError, match=r"`curves` mix n_neurons \[20, 30\]"):
        hf.plot.capacity_figure(curves)
    with pytest.raises(TypeError, match=r"`curves\[1\]` is a str, not a CapacityCurve"):
        hf.plot.capacity_figure([curves[0], "storkey"])


def test_basins_figure_arguments_in_order():
    net = hf.HopfieldNetwork(16).store(hf.patterns.random(2, 16, rng=0))
    survey = hf.analysis.random_start_survey(net, n_starts=4, rng=0)
    basins = hf.analysis.basin_radius(net, trials=2, max_sweeps=20, rng=0)
    with pytest.raises(TypeError, match="`survey` must be a Survey"):
        hf.plot.basins_figure(basins, survey)
    with pytest.raises(ValueError, match=r"`probability` == 90, must be <= 1\.0"):
        hf.plot.basins_figure(survey, basins, probability=90)


def test_paired_associate_figure_takes_a_dict():
    r = hf.human_memory.paired_associate_experiment(
        n_subjects=2, n_lists=1, pairs_per_list=2, max_repetitions=1, lags=(0,), n_item=8,
        n_context=8, rng=0)
    with pytest.raises(TypeError, match="`results` must be a dict of condition label"):
        hf.plot.paired_associate_figure(r)
    with pytest.raises(ValueError, match="`results` is empty"):
        hf.plot.paired_associate_figure({})


def test_new_figure_and_figure_path(tmp_path):
    with pytest.raises(ValueError, match=r"`figsize` must be \(width, height\) in inches"):
        hf.plot.new_figure(figsize=(4, 0))
    with pytest.raises(ValueError, match="`nrows` == 0, must be >= 1"):
        hf.plot.new_figure(0, 2)
    with pytest.raises(TypeError, match="`squeeze` must be True or False"):
        hf.plot.new_figure(squeeze="no")
    with pytest.raises(ValueError, match="`name` must be a file stem without a folder"):
        hf.plot.figure_path(tmp_path, "")
    (tmp_path / "notes.txt").write_text("")
    with pytest.raises(ValueError, match=r"`output` .*notes\.txt.* is a file, not a folder"):
        hf.plot.figure_path(tmp_path / "notes.txt", "fig")
