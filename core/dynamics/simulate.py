"""Trajectories of the network: which quantities to record, caps, and divergence reporting."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.dynamics import kernels
from core.dynamics.network import NetworkParams, ParameterError, check_count, params_weights

MAX_TRANSIENT = 1_000_000
OUTPUT = "y0"


@dataclass(frozen=True)
class Trajectory:
    """Recorded channels after the transient. columns[k] names data[:, k] ("x1".. or "y0")."""

    params: NetworkParams
    columns: tuple[str, ...]
    data: np.ndarray  # float64 (steps, len(columns))
    requested_steps: int
    capped_from: int | None  # the count the user asked for, if it was reduced to the cap
    finite_steps: int  # steps before the state stopped being finite (== len(data))
    diverged: bool

    @property
    def steps(self) -> int:
        return int(self.data.shape[0])


def channel_index(name: str, n: int) -> int:
    """ "x3" -> 2 (neuron index), "y0" -> N (the output)."""
    if name == OUTPUT:
        return n
    if name.startswith("x") and name[1:].isdigit() and 1 <= int(name[1:]) <= n:
        return int(name[1:]) - 1
    raise ParameterError(f"Unknown quantity {name!r}: use x1..x{n} (a neuron) or y0 (the output).")


def simulate(
    params: NetworkParams,
    steps: int,
    transient: int,
    columns: tuple[str, ...] = ("x1", "x2"),
    max_steps: int = 10_000_000,
) -> Trajectory:
    """Iterate the network; `steps` above `max_steps` is reduced to the cap (reported in capped_from)."""
    check_count("iterations", steps, 1, 10**12)
    check_count("transient", transient, 0, MAX_TRANSIENT)
    if not columns:
        raise ParameterError("Choose at least one quantity to record.")
    capped_from = steps if steps > max_steps else None
    steps = min(steps, max_steps)
    channels = np.array([channel_index(c, params.n) for c in columns], dtype=np.int64)
    w, b = params_weights(params)
    out = np.empty((steps, len(columns)), dtype=np.float64)
    done = int(kernels.run_trajectory(w, b, transient, steps, channels, out))
    diverged = done < steps
    data = out[: max(done, 0)]
    data.flags.writeable = False
    return Trajectory(
        params=params,
        columns=tuple(columns),
        data=data,
        requested_steps=steps,
        capped_from=capped_from,
        finite_steps=max(done, 0),
        diverged=diverged,
    )
