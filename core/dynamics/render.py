"""Pictures of trajectories: datashader density rasters (any size), colour schemes, PNG bytes, CSV text.

datashader is imported only when a raster is made, so importing this module stays cheap.
"""

from __future__ import annotations

import io
from typing import Literal

import numpy as np

from core.dynamics.network import NetworkParams

Scheme = Literal["article", "density", "time"]
SCHEMES: dict[Scheme, str] = {
    "article": "Article's (Spectral)",
    "density": "Density (fire)",
    "time": "Time (early → late)",
}
# ColorBrewer "Spectral" (11 classes), as used by the article through matplotlib.
SPECTRAL = [
    "#9e0142",
    "#d53e4f",
    "#f46d43",
    "#fdae61",
    "#fee08b",
    "#ffffbf",
    "#e6f598",
    "#abdda4",
    "#66c2a5",
    "#3288bd",
    "#5e4fa2",
]
VIRIDIS = ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725"]
BACKGROUND = (14, 17, 23)


def article_colour(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The article's colouring value in [0, 1]: |sin(1.6 y + 0.4 x)|."""
    return np.abs(np.sin(1.6 * np.asarray(y, dtype=np.float64) + 0.4 * np.asarray(x, dtype=np.float64)))


def colour_values(x: np.ndarray, y: np.ndarray, scheme: Scheme) -> np.ndarray:
    if scheme == "time":
        return np.linspace(0.0, 1.0, len(x))
    return article_colour(x, y)


def _hex_to_rgb(colours: list[str]) -> np.ndarray:
    return np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in colours], dtype=np.float64)


def palette(values: np.ndarray, colours: list[str]) -> np.ndarray:
    """Map values in [0, 1] to RGB (float 0..255) by linear interpolation along `colours`."""
    rgb = _hex_to_rgb(colours)
    pos = np.clip(np.nan_to_num(values, nan=0.0), 0.0, 1.0) * (len(colours) - 1)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, len(colours) - 1)
    frac = (pos - lo)[..., None]
    return rgb[lo] * (1 - frac) + rgb[hi] * frac


def plot_range(values: np.ndarray, pad: float = 0.03) -> tuple[float, float]:
    lo, hi = float(np.min(values)), float(np.max(values))
    span = hi - lo
    if span <= 1e-12:
        span = max(abs(lo), 1e-3)
        return lo - span, hi + span
    return lo - pad * span, hi + pad * span


def _equalized(count: np.ndarray) -> np.ndarray:
    """Brightness from the rank of each pixel's count among lit pixels (histogram equalization)."""
    lit = count > 0
    light = np.zeros(count.shape)
    if lit.any():
        values = np.sort(count[lit])
        rank = np.searchsorted(values, count[lit], side="right") / values.size
        light[lit] = 0.3 + 0.7 * rank
    return light


SPARSE_SHARE = 0.002  # below this share of lit pixels (a cycle of a few dozen points) each point is drawn bigger
SPREAD_PX = 3


def _spread_if_sparse(image: np.ndarray, lit: np.ndarray) -> np.ndarray:
    """A picture of few distinct points (a period-43 cycle is 43 single pixels on 800 x 800, so it looks
    blank) with each point grown to a (2·SPREAD_PX+1)² square, as datashader's dynspread does for sparse
    plots; the background is the darkest colour, so a per-channel maximum grows the points over it."""
    share = float(lit.mean())
    if share == 0.0 or share >= SPARSE_SHARE:
        return image
    from scipy.ndimage import grey_dilation

    size = (2 * SPREAD_PX + 1, 2 * SPREAD_PX + 1)
    return np.stack([grey_dilation(image[..., c], size=size) for c in range(image.shape[2])], axis=-1)


def density_image(
    x: np.ndarray, y: np.ndarray, scheme: Scheme = "article", width: int = 800, height: int = 800
) -> np.ndarray:
    """An (height, width, 3) uint8 raster of the points, made with datashader (any number of points).

    "density": counts per pixel through datashader's histogram-equalized shading on colorcet's fire;
    "article"/"time": the mean colour value per pixel on a palette, brightness from log(count).
    """
    import colorcet
    import datashader as ds
    import datashader.transfer_functions as tf
    import pandas as pd

    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    canvas = ds.Canvas(plot_width=width, plot_height=height, x_range=plot_range(x), y_range=plot_range(y))
    if scheme == "density":
        agg = canvas.points(pd.DataFrame({"x": x, "y": y}, copy=False), "x", "y", agg=ds.count())
        img = tf.shade(agg, cmap=colorcet.fire, how="eq_hist")
        rgba = img.to_numpy().view(np.uint8).reshape(height, width, 4)
        alpha = rgba[..., 3:4].astype(np.float64) / 255.0
        out = rgba[..., :3] * alpha + np.array(BACKGROUND) * (1 - alpha)
        out = _spread_if_sparse(out.astype(np.uint8), agg.values > 0)
        return np.flipud(out)
    z = colour_values(x, y, scheme)
    frame = pd.DataFrame({"x": x, "y": y, "z": z}, copy=False)
    aggs = canvas.points(frame, "x", "y", agg=ds.summary(count=ds.count(), z=ds.mean("z")))
    count = aggs["count"].values.astype(np.float64)
    mean_z = aggs["z"].values
    colours = palette(mean_z, SPECTRAL if scheme == "article" else VIRIDIS)
    light = _equalized(count)[..., None]
    out = colours * light + np.array(BACKGROUND) * (1 - light)
    out = _spread_if_sparse(np.clip(out, 0, 255).astype(np.uint8), count > 0)
    return np.flipud(out)  # datashader's row 0 is the bottom


def diverging_scale(values: np.ndarray, percentile: float = 95.0) -> tuple[float, float]:
    """(negative bound, positive bound) for a colour scale centred on 0, each side scaled on its own
    data: the `percentile` of |λ| over the negative values and over the positive ones. A map where
    fixed points reach λ1 = -0.8 and chaos λ1 = +0.03 then shows both at full colour."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    neg, pos = -v[v < 0], v[v > 0]
    low = float(np.percentile(neg, percentile)) if neg.size else 1e-3
    high = float(np.percentile(pos, percentile)) if pos.size else 1e-3
    return -max(low, 1e-3), max(high, 1e-3)


def diverging_values(values: np.ndarray, bounds: tuple[float, float]) -> np.ndarray:
    """Values mapped to [-1, 1]: negatives divided by |low|, positives by high, clipped; 0 stays 0."""
    low, high = bounds
    v = np.asarray(values, dtype=float)
    out = np.where(v < 0, v / abs(low), v / high)
    return np.clip(out, -1.0, 1.0)


EXPORT_SIZE = 1600
EXPORT_POINTS = 4_000_000  # 200,000 points light 3.5% of a 1600 x 1600 image: dim; 4,000,000 light 20%


def export_count(drawn: int, cap: int) -> int:
    """How many points the PNG export draws: at least EXPORT_POINTS, never more than the iteration cap."""
    return max(1, min(max(drawn, EXPORT_POINTS), cap))


def export_png(
    params: NetworkParams,
    columns: tuple[str, ...],
    lag: int,
    transient: int,
    scheme: Scheme,
    points: int,
    size: int = EXPORT_SIZE,
) -> bytes:
    """The attractor as a size x size PNG from `points` steps after `transient`: the same network and
    plane as on screen, with enough points to fill a large image, brightness by histogram equalization
    (each lit pixel's brightness from the rank of its count, as datashader's how="eq_hist")."""
    from core.dynamics.simulate import simulate

    traj = simulate(params, points, transient, columns[:2] if lag == 0 else columns[:1], max_steps=points)
    x, y = plane(traj.data, lag)
    return png_bytes(density_image(x, y, scheme, size, size))


def thumbnail(x: np.ndarray, y: np.ndarray, size: int = 64) -> np.ndarray:
    """A small (size, size, 3) picture in the article's colours, made with numpy alone (no datashader:
    a search lists hundreds), with the same equalized brightness as the large rasters."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    if x.size == 0:
        return np.tile(np.array(BACKGROUND, dtype=np.uint8), (size, size, 1))
    bins = [plot_range(y), plot_range(x)]
    count, _, _ = np.histogram2d(y, x, bins=size, range=bins)
    total, _, _ = np.histogram2d(y, x, bins=size, range=bins, weights=article_colour(x, y))
    mean = np.divide(total, count, out=np.zeros_like(total), where=count > 0)
    light = _equalized(count)[..., None]
    out = palette(mean, SPECTRAL) * light + np.array(BACKGROUND) * (1 - light)
    return np.flipud(np.clip(out, 0, 255).astype(np.uint8))  # row 0 of the histogram is the bottom


def png_bytes(image: np.ndarray) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def csv_text(columns: tuple[str, ...], data: np.ndarray, first_step: int = 0) -> str:
    """CSV with a step column then one column per recorded quantity (full float precision)."""
    steps = np.arange(first_step, first_step + data.shape[0])
    buffer = io.StringIO()
    buffer.write(",".join(("step", *columns)) + "\n")
    np.savetxt(buffer, np.column_stack([steps, data]), delimiter=",", fmt=["%d", *(["%.17g"] * data.shape[1])])
    return buffer.getvalue()


def plane(data: np.ndarray, lag: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The two drawn coordinates: columns 0 and 1, or (v[t], v[t + lag]) of column 0 when lag > 0."""
    if lag > 0:
        series = data[:, 0]
        return series[:-lag], series[lag:]
    return data[:, 0], data[:, 1]


def stride(count: int, limit: int) -> int:
    """Every how many points to draw so that at most `limit` of `count` are drawn."""
    return max(1, int(np.ceil(count / limit)))
