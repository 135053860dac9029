"""Rasters, exports, correlation dimension and the 0-1 test on known sets."""

import io

import numpy as np
import pytest
from PIL import Image

from core.dynamics.dimension import correlation_dimension, zero_one_test
from core.dynamics.network import ParameterError
from core.dynamics.render import BACKGROUND, article_colour, csv_text, density_image, png_bytes


@pytest.mark.parametrize("scheme", ["article", "density", "time"])
def test_density_image_draws_the_points(scheme) -> None:
    t = np.linspace(0, 2 * np.pi, 50_000)
    img = density_image(np.cos(t), np.sin(t), scheme, width=120, height=100)
    assert img.shape == (100, 120, 3) and img.dtype == np.uint8
    lit = np.any(img != np.array(BACKGROUND, dtype=np.uint8), axis=2)
    assert 0.03 < lit.mean() < 0.5  # a ring, not a filled square or nothing
    assert not lit[50, 60]  # the centre of the circle stays empty
    decoded = Image.open(io.BytesIO(png_bytes(img)))
    assert decoded.size == (120, 100)


@pytest.mark.parametrize("scheme", ["article", "density", "time"])
def test_a_cycle_of_few_points_is_drawn_big_enough_to_see(scheme) -> None:
    t = 2 * np.pi * np.arange(43) / 43
    x, y = np.tile(np.cos(t), 500), np.tile(np.sin(t), 500)  # a period-43 cycle, visited 500 times
    img = density_image(x, y, scheme, width=800, height=800)
    lit = np.any(img != np.array(BACKGROUND, dtype=np.uint8), axis=2)
    assert lit.sum() >= 43 * 40  # each point a visible blob, not one pixel of 640,000
    assert lit.mean() < 0.01 and not lit[400, 400]  # still 43 separate points around an empty centre
    ring = density_image(np.cos(np.linspace(0, 2 * np.pi, 50_000)), np.sin(np.linspace(0, 2 * np.pi, 50_000)), scheme)
    ring_lit = np.any(ring != np.array(BACKGROUND, dtype=np.uint8), axis=2)
    assert ring_lit.mean() < 0.02  # a dense curve is not thickened


def test_image_orientation_puts_high_y_at_the_top() -> None:
    x = np.r_[np.zeros(1000), [1.0]]
    y = np.r_[np.ones(1000), [0.0]]
    img = density_image(x, y, "density", width=50, height=50)
    lit_rows = np.nonzero(np.any(img != np.array(BACKGROUND, dtype=np.uint8), axis=(1, 2)))[0]
    assert lit_rows.min() < 5


def test_article_colour_and_csv() -> None:
    assert article_colour(np.array([0.0]), np.array([np.pi / 3.2]))[0] == pytest.approx(1.0)
    text = csv_text(("x1", "y0"), np.array([[0.1, 1 / 3], [0.2, -0.5]]), first_step=10)
    lines = text.strip().splitlines()
    assert lines[0] == "step,x1,y0"
    assert lines[1].startswith("10,0.1")
    assert float(lines[1].split(",")[2]) == 1 / 3


def test_correlation_dimension_of_a_circle_and_a_square() -> None:
    rng = np.random.RandomState(0)
    t = rng.uniform(0, 2 * np.pi, 5_000)
    assert correlation_dimension(np.c_[np.cos(t), np.sin(t)]).dimension == pytest.approx(1.0, abs=0.1)
    square = rng.uniform(0, 1, (5_000, 2))
    assert correlation_dimension(square).dimension == pytest.approx(2.0, abs=0.15)
    with pytest.raises(ParameterError):
        correlation_dimension(np.zeros((10, 2)))


def test_zero_one_test_separates_chaos_from_a_cycle() -> None:
    x = np.empty(3_000)
    x[0] = 0.3
    for i in range(1, x.size):
        x[i] = 3.97 * x[i - 1] * (1 - x[i - 1])
    assert zero_one_test(x) > 0.8
    assert zero_one_test(np.sin(0.7 * np.arange(3_000))) < 0.2


def test_diverging_scale_puts_weak_chaos_at_full_colour_beside_strong_contraction() -> None:
    from core.dynamics.render import diverging_scale, diverging_values

    lam = np.r_[np.full(80, -0.8), np.linspace(-0.3, -0.01, 40), np.full(20, 0.03), [np.nan, 0.0]]
    low, high = diverging_scale(lam)
    assert low == pytest.approx(-0.8) and high == pytest.approx(0.03)
    colour = diverging_values(np.array([0.03, -0.8, 0.0, 0.015, 0.5, -2.0]), (low, high))
    np.testing.assert_allclose(colour, [1.0, -1.0, 0.0, 0.5, 1.0, -1.0])
    assert diverging_scale(np.array([-0.5, -0.4])) == (pytest.approx(-0.495), 1e-3)  # no chaos at all


def test_the_png_export_draws_enough_points_to_be_bright() -> None:
    from core.dynamics.network import NetworkParams
    from core.dynamics.render import EXPORT_POINTS, export_count, export_png

    assert export_count(200_000, 10**7) == EXPORT_POINTS
    assert export_count(200_000, 1_000_000) == 1_000_000  # MLSTUDIO_MAX_ITERATIONS still caps it
    assert export_count(9_000_000, 10**7) == 9_000_000
    params = NetworkParams(4, 16, 0.8277, 3220454298)  # "Chaotic: folded ribbon"

    def lit_and_brightness(points: int) -> tuple[float, float]:
        image = np.asarray(Image.open(io.BytesIO(export_png(params, ("x1", "x2"), 0, 1_000, "article", points))))
        assert image.shape == (1600, 1600, 3)
        lit = np.any(image != np.array(BACKGROUND, dtype=np.uint8), axis=2)
        return float(lit.mean()), float(image.mean())

    lit_before, mean_before = lit_and_brightness(200_000)  # what the export drew before: the drawn points
    lit_after, mean_after = lit_and_brightness(EXPORT_POINTS)
    assert lit_before < 0.05 and lit_after > 3 * lit_before
    assert mean_after > mean_before + 10
