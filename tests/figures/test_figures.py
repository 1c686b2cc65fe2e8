"""bnviz.figures: histograms are binned on the server and plot the data's real density."""

import numpy as np

from bnviz.figures.common import channel_histograms, density, histogram_edges, overlay_histograms


def test_density_integrates_to_one_and_matches_counts():
    edges = np.array([0.0, 1.0, 2.0, 4.0])
    d = density([0.5, 0.5, 1.5, 3.0], edges)
    np.testing.assert_allclose(d, [0.5, 0.25, 0.125])
    assert np.isclose(np.sum(d * np.diff(edges)), 1.0)


def test_edges_cover_every_array_and_survive_constant_data():
    edges = histogram_edges([np.array([-1.0, 0.0]), np.array([5.0])], bins=6)
    assert edges[0] == -1.0 and edges[-1] == 5.0 and len(edges) == 7
    flat = histogram_edges([np.zeros(10)], bins=4)
    assert flat[0] < 0 < flat[-1]


def test_overlay_shares_bins_and_size_does_not_grow_with_n():
    rng = np.random.default_rng(0)
    small = overlay_histograms([("x", rng.normal(size=100), "red"), ("y", rng.normal(size=100) + 3, "blue")], bins=50)
    large = overlay_histograms(
        [("x", rng.normal(size=100_000), "red"), ("y", rng.normal(size=100_000) + 3, "blue")], bins=50
    )
    np.testing.assert_array_equal(small.data[0].x, small.data[1].x)
    assert len(large.data[0].x) == 50
    assert len(large.to_json()) < 1.5 * len(small.to_json())


def test_channel_histograms_draw_one_panel_per_channel_on_a_shared_axis():
    x = np.stack([np.zeros(50), np.linspace(0, 10, 50)], axis=1)
    fig = channel_histograms(x, bins=10)
    assert len(fig.data) == 2
    np.testing.assert_array_equal(fig.data[0].x, fig.data[1].x)
    # all of channel 0's mass sits in the first bin
    assert fig.data[0].y[0] * (fig.data[0].width[0]) == 1.0


def test_symmetric_edges_cover_every_value_and_stay_put_when_the_values_move_a_little():
    from bnviz.figures.common import symmetric_edges

    y = np.array([-1.93, 0.2, 2.21])
    edges = symmetric_edges([y], bins=8)
    assert edges[0] == -2.5 and edges[-1] == 2.5 and len(edges) == 9
    assert np.array_equal(symmetric_edges([y * (1 + 1e-4)], bins=8), edges)
    assert symmetric_edges([np.zeros(3)], bins=2).tolist() == [-0.5, 0.0, 0.5]
