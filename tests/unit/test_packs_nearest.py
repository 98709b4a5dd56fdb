"""packs.sizing._nearest: the k-d tree gives what a brute-force argmin gives, ties included."""

from __future__ import annotations

import numpy as np

from acutesim.packs.sizing import _nearest, catchment_population
from acutesim.rng import RandomStreams


def _argmin(points: np.ndarray, targets: np.ndarray) -> np.ndarray:
    d2 = ((points[:, None, :] - targets[None, :, :]) ** 2).sum(axis=2)
    return np.argmin(d2, axis=1)


def test_matches_brute_force_on_random_points():
    rng = RandomStreams(7, 0).get("test.nearest")
    points = rng.uniform(0.0, 300_000.0, size=(5_000, 2))
    targets = rng.uniform(0.0, 300_000.0, size=(150, 2))
    assert np.array_equal(_nearest(points, targets), _argmin(points, targets))


def test_ties_go_to_the_lowest_index_as_argmin():
    targets = np.array([[10.0, 0.0], [0.0, 10.0], [-10.0, 0.0], [10.0, 0.0], [0.0, -10.0]])
    points = np.array([[0.0, 0.0], [10.0, 0.0], [5.0, 5.0], [0.0, 0.0001]])
    # (0, 0) is 10 m from all five; (10, 0) is target 0 and target 3; (5, 5) ties 0, 1, 3
    assert _nearest(points, targets).tolist() == [0, 0, 0, 1]
    assert _nearest(points, targets).tolist() == _argmin(points, targets).tolist()
    # the order of the targets decides: with target 3 first it wins the (10, 0) tie
    reordered = targets[[3, 1, 2, 0, 4]]
    assert _nearest(points[1:2], reordered).tolist() == [0]


def test_many_ties_on_a_grid_match_argmin():
    # targets on a 6 x 6 grid with repeats, points on the half grid: most points tie; a
    # plain k-d tree query (k=1) picks another of the tied targets for about half of them
    rng = RandomStreams(7, 0).get("test.nearest.ties")
    targets = rng.integers(0, 6, size=(60, 2)).astype(float)
    points = rng.integers(0, 12, size=(400, 2)).astype(float) / 2
    assert np.array_equal(_nearest(points, targets), _argmin(points, targets))


def test_one_target_and_no_points():
    assert _nearest(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[0.0, 0.0]])).tolist() == [0, 0]
    assert len(_nearest(np.zeros((0, 2)), np.array([[0.0, 0.0], [1.0, 1.0]]))) == 0


def test_catchment_population_sums_to_the_population():
    area_xy = np.array([[0.0, 0.0], [1.0, 0.0], [9.0, 0.0], [10.0, 0.0]])
    population = np.array([100, 200, 300, 400])
    xy = np.array([[0.0, 0.0], [10.0, 0.0], [5.0, 0.0]])
    assert catchment_population(area_xy, population, xy).tolist() == [300.0, 700.0, 0.0]
