"""Tests for outpost.geo.coords: WGS-84 / GCJ-02 / BD-09 conversion."""

from __future__ import annotations

import math

import numpy as np
import pytest

from outpost.geo import coords

EARTH_RADIUS_M = 6371008.8

# A regular lattice over 鼓楼区 (lon 118.70-118.80, lat 32.03-32.14), corners included.
GULOU_POINTS = [
    (float(lon), float(lat))
    for lon in np.linspace(118.70, 118.80, 11)
    for lat in np.linspace(32.03, 32.14, 12)
]


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres: good to ~0.5 % at these distances, plenty for checks."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def random_gulou_arrays(n: int, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(118.70, 118.80, n), rng.uniform(32.03, 32.14, n)


def test_it_exposes_the_three_systems() -> None:
    assert coords.SUPPORTED_CRS == ("wgs84", "gcj02", "bd09")


@pytest.mark.parametrize(("lon", "lat"), GULOU_POINTS)
def test_it_round_trips_wgs_gcj_wgs_within_half_a_metre(lon: float, lat: float) -> None:
    back = coords.gcj02_to_wgs84(*coords.wgs84_to_gcj02(lon, lat))
    assert haversine_m(lon, lat, *back) < 0.5
    # The iterative inverse is far better than the brief asks: it should be exact to ~1e-9 deg.
    assert back == pytest.approx((lon, lat), abs=1e-9)


@pytest.mark.parametrize(("lon", "lat"), GULOU_POINTS)
def test_it_round_trips_wgs_bd_wgs_within_half_a_metre(lon: float, lat: float) -> None:
    back = coords.to_wgs84(*coords.from_wgs84(lon, lat, "bd09"), "bd09")
    assert haversine_m(lon, lat, *back) < 0.5
    assert back == pytest.approx((lon, lat), abs=1e-9)


def test_it_round_trips_gcj_bd_gcj() -> None:
    for lon, lat in GULOU_POINTS:
        back = coords.bd09_to_gcj02(*coords.gcj02_to_bd09(lon, lat))
        assert back == pytest.approx((lon, lat), abs=1e-9)


@pytest.mark.parametrize(("lon", "lat"), GULOU_POINTS)
def test_it_shifts_gcj_by_400_to_700_metres_in_nanjing(lon: float, lat: float) -> None:
    shift = haversine_m(lon, lat, *coords.wgs84_to_gcj02(lon, lat))
    assert 400 < shift < 700


@pytest.mark.parametrize(("lon", "lat"), GULOU_POINTS)
def test_it_shifts_bd_by_about_a_kilometre_in_nanjing(lon: float, lat: float) -> None:
    shift = haversine_m(lon, lat, *coords.from_wgs84(lon, lat, "bd09"))
    assert 800 < shift < 1500


def test_it_matches_published_reference_values() -> None:
    # A round trip alone cannot catch a typo in the forward formula (the inverse is solved
    # against the same function), so pin it to the values printed in wandergis/coordtransform's
    # test/app.js, the implementation most others are ported from.
    assert coords.wgs84_to_gcj02(116.404, 39.915) == pytest.approx(
        (116.41024449916938, 39.91640428150164), abs=1e-12
    )
    assert coords.gcj02_to_bd09(116.404, 39.915) == pytest.approx(
        (116.41036949371029, 39.92133699351021), abs=1e-12
    )


def test_it_inverts_more_exactly_than_the_one_step_inverse() -> None:
    # coordtransform's one-step inverses of (116.404, 39.915), from the same file: ours must be
    # close to them (same formulas) but, unlike them, round-trip exactly.
    crude_wgs = (116.39775550083061, 39.91359571849836)
    crude_gcj = (116.39762729119315, 39.90865673957631)
    exact_wgs = coords.gcj02_to_wgs84(116.404, 39.915)
    exact_gcj = coords.bd09_to_gcj02(116.404, 39.915)
    assert exact_wgs == pytest.approx(crude_wgs, abs=2e-6)
    assert exact_gcj == pytest.approx(crude_gcj, abs=2e-6)
    assert coords.wgs84_to_gcj02(*exact_wgs) == pytest.approx((116.404, 39.915), abs=1e-9)
    assert coords.wgs84_to_gcj02(*crude_wgs) != pytest.approx((116.404, 39.915), abs=1e-7)
    assert coords.gcj02_to_bd09(*exact_gcj) == pytest.approx((116.404, 39.915), abs=1e-9)


def test_it_leaves_points_outside_china_unchanged() -> None:
    london = (-0.1276, 51.5072)
    assert coords.wgs84_to_gcj02(*london) == london
    assert coords.gcj02_to_wgs84(*london) == london
    lons, lats = coords.to_wgs84_array(np.array([london[0]]), np.array([london[1]]), "gcj02")
    assert (lons[0], lats[0]) == london


def test_it_treats_wgs84_as_identity() -> None:
    assert coords.to_wgs84(118.75, 32.08, "wgs84") == (118.75, 32.08)
    assert coords.from_wgs84(118.75, 32.08, "wgs84") == (118.75, 32.08)


@pytest.mark.parametrize("crs", ["wgs84", "gcj02", "bd09"])
def test_it_gives_the_same_answer_for_arrays_and_scalars(crs: str) -> None:
    lons, lats = random_gulou_arrays(500)
    array_lons, array_lats = coords.to_wgs84_array(lons, lats, crs)
    fwd_lons, fwd_lats = coords.from_wgs84_array(lons, lats, crs)
    for i in range(lons.size):
        # Points of one array may take one more iteration than alone: equal to 1e-9 degrees.
        expected = coords.to_wgs84(lons[i], lats[i], crs)
        assert (array_lons[i], array_lats[i]) == pytest.approx(expected, abs=1e-9)
        # Same formula; numpy's vectorised sin may differ from libm's in the last bit.
        expected = coords.from_wgs84(lons[i], lats[i], crs)
        assert (fwd_lons[i], fwd_lats[i]) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_it_round_trips_large_arrays(crs: str) -> None:
    lons, lats = random_gulou_arrays(100_000)
    back_lons, back_lats = coords.to_wgs84_array(*coords.from_wgs84_array(lons, lats, crs), crs)
    assert np.abs(back_lons - lons).max() < 1e-9
    assert np.abs(back_lats - lats).max() < 1e-9


def test_it_keeps_array_shape_and_passes_nan_through() -> None:
    lons = np.array([[118.75, np.nan], [118.76, 118.77]])
    lats = np.array([[32.08, 32.09], [np.nan, 32.10]])
    out_lons, out_lats = coords.to_wgs84_array(lons, lats, "bd09")
    assert out_lons.shape == out_lats.shape == (2, 2)
    assert np.isnan(out_lons[0, 1]) and np.isnan(out_lats[1, 0])
    assert np.isfinite(out_lons[1, 1]) and np.isfinite(out_lats[0, 0])


def test_it_handles_empty_arrays() -> None:
    out_lons, out_lats = coords.to_wgs84_array(np.array([]), np.array([]), "gcj02")
    assert out_lons.size == out_lats.size == 0


def test_it_rejects_arrays_of_different_shapes() -> None:
    with pytest.raises(ValueError, match="shape"):
        coords.to_wgs84_array(np.zeros(3), np.zeros(2), "gcj02")


@pytest.mark.parametrize("crs", ["WGS84", "epsg:4326", "baidu", ""])
def test_it_rejects_an_unknown_crs(crs: str) -> None:
    with pytest.raises(ValueError, match="unknown coordinate reference system"):
        coords.to_wgs84(118.75, 32.08, crs)
    with pytest.raises(ValueError, match="wgs84, gcj02, bd09"):
        coords.from_wgs84(118.75, 32.08, crs)
    with pytest.raises(ValueError, match="unknown coordinate reference system"):
        coords.to_wgs84_array(np.zeros(1), np.zeros(1), crs)
