"""Compiled (numba) kernels. Everything here works on plain arrays; the typed API is in the other modules.

State: the network's state is the register y = (y1..yD); x = tanh(W y) is a function of it, so the map
on the full state is F(y) = (b . tanh(W y), y1, ..., y_{D-1}) and its exact Jacobian is a companion
matrix whose first row is g = W^T (b * (1 - x^2)) and whose sub-diagonal is ones.
The register is a ring buffer stored twice (length 2D) so that y1..yD is always the contiguous slice
buf[head:head + D]: one step writes two numbers and allocates nothing.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from llvmlite import ir
from numba import njit, prange, types, uint64
from numba.extending import intrinsic

INITIAL_X = 0.001
# Let LLVM reorder sums so dot products vectorize; no "nnan"/"ninf", so finiteness checks stay valid.
FAST = {"reassoc", "contract", "nsz"}
# error_model="numpy": a division follows IEEE instead of branching to raise ZeroDivisionError, so loops
# with a division (tanh) vectorize. The kernels check finiteness themselves.
KERNEL: dict[str, Any] = {"cache": True, "fastmath": FAST, "error_model": "numpy"}

LOG2E = 1.4426950408889634
LN2_HI = 6.93147180369123816490e-01  # ln 2 split in two (Cody-Waite) so k * LN2_HI is exact
LN2_LO = 1.90821492927058770002e-10


@intrinsic
def _float_from_bits(typingctx, bits):
    """Reinterpret an int64 as a float64 (2^k built from its exponent bits without a libm call)."""

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())

    return types.float64(types.int64), codegen


# Inlined into each kernel (numba IR), so it is compiled with the caller's flags; the accuracy test runs it
# through tanh_inplace, which is compiled exactly as in _step.
@njit(inline="always", **KERNEL)
def tanh(u):
    """tanh(u) = -m / (2 + m) with m = expm1(-2|u|), branch-free so that a loop over neurons vectorizes.

    expm1 by Cody-Waite reduction to |r| <= ln2/2 and its degree-13 Taylor polynomial (truncation < 4e-18),
    2^k from exponent bits. Within 3.4e-16 absolute and 5e-16 relative of np.tanh (tested); NaN stays NaN;
    |u| > 20 gives +-1 exactly, as tanh does in double precision.
    """
    z = -2.0 * abs(u)
    z = -40.0 if z < -40.0 else z  # written so that NaN passes through
    kf = np.floor(z * LOG2E + 0.5)
    r = (z - kf * LN2_HI) - kf * LN2_LO
    # expm1(r) = r * sum_k r^k / (k + 1)!, k = 0..12, by Estrin's scheme (4 multiply-adds deep, not 13)
    r2 = r * r
    r4 = r2 * r2
    lo = (
        (1.0 + r * (1 / 2))
        + r2 * ((1 / 6) + r * (1 / 24))
        + r4 * (((1 / 120) + r * (1 / 720)) + r2 * ((1 / 5040) + r * (1 / 40320)))
    )
    hi = ((1 / 362880) + r * (1 / 3628800)) + r2 * ((1 / 39916800) + r * (1 / 479001600)) + r4 * (1 / 6227020800)
    p = r * (lo + (r4 * r4) * hi)
    scale = _float_from_bits((np.int64(kf) + 1023) << 52)  # type: ignore[call-arg,var-annotated]
    m = scale * p + (scale - 1.0)  # expm1(z) = 2^k (expm1(r) + 1) - 1 without cancelling when k = 0
    return np.copysign(-m / (2.0 + m), u)


@njit(inline="always", **KERNEL)
def tanh_inplace(u):
    """u[i] = tanh(u[i]) for every i; one SIMD pass for all neurons."""
    for i in range(u.shape[0]):
        u[i] = tanh(u[i])


@njit(**KERNEL)
def _step(w, b, x, buf, head):
    """One network step in place; returns (new head, y0)."""
    n, d = w.shape
    y0 = 0.0
    for i in range(n):
        y0 += b[i] * x[i]
    head -= 1
    if head < 0:
        head += d
    buf[head] = y0
    buf[head + d] = y0
    # unsigned indices: numba then skips its negative-index wraparound, which otherwise turns the
    # contiguous dot product into gathers
    h = uint64(head)
    for i in range(n):
        u = 0.0
        for j in range(uint64(d)):
            u += w[i, j] * buf[h + j]
        x[i] = u
    tanh_inplace(x)
    return head, y0


@njit(**KERNEL)
def _jacobian_row(w, b, x, g):
    """g_j = sum_i b_i (1 - x_i^2) w_ij: first row of the Jacobian of F at the current state."""
    n, d = w.shape
    for j in range(d):
        g[j] = 0.0
    for i in range(n):
        c = b[i] * (1.0 - x[i] * x[i])
        for j in range(d):
            g[j] += c * w[i, j]


@njit(**KERNEL)
def map_at(w, b, y):
    """F(y) for a register y (test helper built from the same step kernel)."""
    n, d = w.shape
    buf = np.zeros(2 * d)
    for j in range(d):
        buf[j] = y[j]
        buf[j + d] = y[j]
    x = np.empty(n)
    for i in range(n):
        u = 0.0
        for j in range(d):
            u += w[i, j] * y[j]
        x[i] = tanh(u)
    head, _ = _step(w, b, x, buf, 0)
    return buf[head : head + d].copy()


@njit(**KERNEL)
def jacobian_at(w, b, y):
    """Exact Jacobian dF/dy (D x D) at register y, from the same row kernel the spectrum uses."""
    n, d = w.shape
    x = np.empty(n)
    for i in range(n):
        u = 0.0
        for j in range(d):
            u += w[i, j] * y[j]
        x[i] = tanh(u)
    g = np.empty(d)
    _jacobian_row(w, b, x, g)
    jac = np.zeros((d, d))
    jac[0, :] = g
    for r in range(1, d):
        jac[r, r - 1] = 1.0
    return jac


@njit(**KERNEL)
def _start(n, d):
    x = np.full(n, INITIAL_X)
    buf = np.zeros(2 * d)
    return x, buf, 0


@njit(**KERNEL)
def run_trajectory(w, b, transient, steps, channels, out):
    """Iterate and record `channels` (index < N: neuron x_i; index == N: output y0) into out[steps, k].

    Returns the number of finite steps recorded; a value below `steps` means the state stopped being
    finite (steps done before that are kept), -1 means it was not finite already during the transient.
    """
    n, d = w.shape
    x, buf, head = _start(n, d)
    for _ in range(transient):
        head, y0 = _step(w, b, x, buf, head)
        if not math.isfinite(y0):
            return -1
    k = channels.shape[0]
    for t in range(steps):
        head, y0 = _step(w, b, x, buf, head)
        if not math.isfinite(y0):
            return t
        for c in range(k):
            ch = channels[c]
            out[t, c] = x[ch] if ch < n else y0
    return steps


@njit(**KERNEL)
def _mgs(q, logs):
    """Modified Gram-Schmidt on the rows of q (k tangent vectors of length D, each contiguous) in place;
    logs[c] = log of the c-th diagonal element of R."""
    k, d = q.shape
    for c in range(k):
        for p in range(c):
            dot = 0.0
            for r in range(d):
                dot += q[p, r] * q[c, r]
            for r in range(d):
                q[c, r] -= dot * q[p, r]
        norm = 0.0
        for r in range(d):
            norm += q[c, r] * q[c, r]
        norm = math.sqrt(norm)
        if norm == 0.0 or not math.isfinite(norm):
            logs[c] = -math.inf if norm == 0.0 else math.nan
            return False
        logs[c] = math.log(norm)
        inv = 1.0 / norm
        for r in range(d):
            q[c, r] *= inv
    return True


@njit(**KERNEL)
def _tangent_step(g, q):
    """q_c <- J q_c for every tangent vector (rows of q): new first entry g . q_c, the rest shift down."""
    k, d = q.shape
    for c in range(k):
        row0 = 0.0
        for r in range(d):
            row0 += g[r] * q[c, r]
        for r in range(d - 1, 0, -1):
            q[c, r] = q[c, r - 1]
        q[c, 0] = row0


@njit(**KERNEL)
def _record(acc, t, checkpoints, next_ckpt, trace, block_acc, block_len, blocks):
    k = acc.shape[0]
    if next_ckpt < checkpoints.shape[0] and t + 1 == checkpoints[next_ckpt]:
        for c in range(k):
            trace[next_ckpt, c] = acc[c] / (t + 1)
        next_ckpt += 1
    return next_ckpt


@njit(**KERNEL)
def net_spectrum(w, b, transient, steps, k, checkpoints, trace, blocks):
    """Benettin/QR spectrum (k largest exponents, nats/step) on the exact Jacobian.

    trace[i, :] = running means after checkpoints[i] steps; blocks[m, :] = mean of block m (steps split
    into blocks.shape[0] equal parts). Returns 0 on success, 1 if the state stopped being finite,
    2 if the tangent vectors collapsed (an exponent is -inf: exact zero row in the Jacobian).
    """
    n, d = w.shape
    x, buf, head = _start(n, d)
    for _ in range(max(transient, 1)):
        head, y0 = _step(w, b, x, buf, head)
        if not math.isfinite(y0):
            return 1
    q = np.zeros((k, d))
    for c in range(k):
        q[c, c] = 1.0
    g = np.empty(d)
    logs = np.zeros(k)
    acc = np.zeros(k)
    nblocks = blocks.shape[0]
    block_len = steps // nblocks
    block_acc = np.zeros(k)
    next_ckpt = 0
    blocks[:, :] = 0.0
    for t in range(steps):
        _jacobian_row(w, b, x, g)
        _tangent_step(g, q)
        head, y0 = _step(w, b, x, buf, head)
        if not math.isfinite(y0):
            return 1
        if not _mgs(q, logs):
            return 2
        for c in range(k):
            acc[c] += logs[c]
            block_acc[c] += logs[c]
        m = t // block_len if block_len > 0 else 0
        if block_len > 0 and (t + 1) % block_len == 0 and m < nblocks:
            for c in range(k):
                blocks[m, c] = block_acc[c] / block_len
                block_acc[c] = 0.0
        next_ckpt = _record(acc, t, checkpoints, next_ckpt, trace, block_acc, block_len, blocks)
    return 0


@njit(**KERNEL)
def henon_spectrum(a, bb, transient, steps, checkpoints, trace, blocks):
    """The same Benettin/QR procedure on the Henon map (x, y) -> (1 - a x^2 + y, b x)."""
    xs, ys = 0.1, 0.1
    for _ in range(transient):
        xs, ys = 1.0 - a * xs * xs + ys, bb * xs
    q = np.eye(2)
    logs = np.zeros(2)
    acc = np.zeros(2)
    nblocks = blocks.shape[0]
    block_len = steps // nblocks
    block_acc = np.zeros(2)
    next_ckpt = 0
    blocks[:, :] = 0.0
    jq = np.empty((2, 2))
    for t in range(steps):
        j00, j01, j10, j11 = -2.0 * a * xs, 1.0, bb, 0.0
        for c in range(2):
            jq[c, 0] = j00 * q[c, 0] + j01 * q[c, 1]
            jq[c, 1] = j10 * q[c, 0] + j11 * q[c, 1]
        q[:, :] = jq
        xs, ys = 1.0 - a * xs * xs + ys, bb * xs
        if not _mgs(q, logs):
            return 2
        for c in range(2):
            acc[c] += logs[c]
            block_acc[c] += logs[c]
        m = t // block_len if block_len > 0 else 0
        if block_len > 0 and (t + 1) % block_len == 0 and m < nblocks:
            for c in range(2):
                blocks[m, c] = block_acc[c] / block_len
                block_acc[c] = 0.0
        next_ckpt = _record(acc, t, checkpoints, next_ckpt, trace, block_acc, block_len, blocks)
    return 0


@njit(**KERNEL)
def net_two_trajectory(w, b, transient, steps, d0):
    """Largest exponent by Benettin's original method: a twin trajectory d0 away, renormalized each step.

    Uses only the map itself (no Jacobian), so it is an independent check of the QR result.
    Returns nan if the state stopped being finite.
    """
    n, d = w.shape
    x, buf, head = _start(n, d)
    for _ in range(max(transient, 1)):
        head, y0 = _step(w, b, x, buf, head)
    # twin: same register shifted by d0 / sqrt(D) in every slot, x recomputed from it
    buf2 = buf.copy()
    x2 = np.empty(n)
    step0 = d0 / math.sqrt(d)
    for j in range(d):
        buf2[head + j] += step0
    for j in range(d):
        buf2[(head + j + d) % (2 * d)] = buf2[head + j]
    for i in range(n):
        u = 0.0
        for j in range(d):
            u += w[i, j] * buf2[head + j]
        x2[i] = tanh(u)
    head2 = head
    acc = 0.0
    for _ in range(steps):
        head, y0 = _step(w, b, x, buf, head)
        head2, y02 = _step(w, b, x2, buf2, head2)
        if not (math.isfinite(y0) and math.isfinite(y02)):
            return math.nan
        dist = 0.0
        for j in range(d):
            diff = buf2[head2 + j] - buf[head + j]
            dist += diff * diff
        dist = math.sqrt(dist)
        if dist == 0.0:
            return -math.inf
        acc += math.log(dist / d0)
        scale = d0 / dist
        for j in range(d):
            v = buf[head + j] + (buf2[head2 + j] - buf[head + j]) * scale
            buf2[head2 + j] = v
            buf2[(head2 + j + d) % (2 * d)] = v
        for i in range(n):
            u = 0.0
            for j in range(d):
                u += w[i, j] * buf2[head2 + j]
            x2[i] = tanh(u)
    return acc / steps


@njit(**KERNEL)
def detect_period(series, pmax, rel_tol):
    """Smallest p <= pmax with |s[t] - s[t-p]| <= tol over the whole series, else 0."""
    m = series.shape[0]
    scale = 1.0
    for t in range(m):
        scale = max(scale, abs(series[t]))
    tol = rel_tol * scale
    for p in range(1, min(pmax, m - 1) + 1):
        ok = True
        for t in range(p, m):
            if abs(series[t] - series[t - p]) > tol:
                ok = False
                break
        if ok:
            return p
    return 0


# scan output columns
SCAN_L1, SCAN_L2, SCAN_SE1, SCAN_SE2, SCAN_PERIOD, SCAN_COVER, SCAN_FINITE = range(7)
SCAN_COLS = 7


@njit(**KERNEL)
def _scan_one(w, b, transient, steps, pmax, grid, out):
    """Two largest exponents (QR with 2 vectors), their block errors, period of the tail, coverage."""
    n, d = w.shape
    k = 2 if d >= 2 else 1
    x, buf, head = _start(n, d)
    for _ in range(max(transient, 1)):
        head, y0 = _step(w, b, x, buf, head)
    q = np.zeros((k, d))
    for c in range(k):
        q[c, c] = 1.0
    g = np.empty(d)
    logs = np.zeros(k)
    acc = np.zeros(k)
    nblocks = 10
    block_len = max(steps // nblocks, 1)
    bsum = np.zeros(k)
    bsq = np.zeros(k)
    bacc = np.zeros(k)
    nb = 0
    tail_len = min(2 * pmax + 2, steps)
    tail = np.empty(tail_len)
    cells = np.zeros(grid * grid, dtype=np.uint8)
    prev = x[0]
    finite = True
    collapsed = False
    for t in range(steps):
        _jacobian_row(w, b, x, g)
        _tangent_step(g, q)
        head, y0 = _step(w, b, x, buf, head)
        if not math.isfinite(y0):
            finite = False
            break
        if not collapsed:
            if _mgs(q, logs):
                for c in range(k):
                    acc[c] += logs[c]
                    bacc[c] += logs[c]
            else:
                collapsed = True
        if (t + 1) % block_len == 0 and nb < nblocks:
            for c in range(k):
                mean = bacc[c] / block_len
                bsum[c] += mean
                bsq[c] += mean * mean
                bacc[c] = 0.0
            nb += 1
        if t >= steps - tail_len:
            tail[t - (steps - tail_len)] = y0
        a = x[0]
        bv = x[1] if n > 1 else prev
        prev = x[0]
        ia = min(int((a + 1.0) * 0.5 * grid), grid - 1)
        ib = min(int((bv + 1.0) * 0.5 * grid), grid - 1)
        cells[max(ia, 0) * grid + max(ib, 0)] = 1
    out[SCAN_FINITE] = 1.0 if finite else 0.0
    if not finite:
        for c in range(SCAN_COLS - 1):
            out[c] = math.nan
        return
    out[SCAN_L1] = -math.inf if collapsed else acc[0] / steps
    out[SCAN_L2] = (-math.inf if collapsed else acc[1] / steps) if k > 1 else -math.inf
    for c in range(k):
        if nb > 1:
            mean = bsum[c] / nb
            var = max(bsq[c] / nb - mean * mean, 0.0) * nb / (nb - 1)
            out[SCAN_SE1 + c] = math.sqrt(var / nb)
        else:
            out[SCAN_SE1 + c] = math.nan
    if k == 1:
        out[SCAN_SE2] = 0.0
    out[SCAN_PERIOD] = detect_period(tail, pmax, 1e-7)
    visited = 0
    for i in range(grid * grid):
        visited += cells[i]
    out[SCAN_COVER] = visited / (grid * grid)


@njit(parallel=True, **KERNEL)
def batch_scan(ws, bs, transient, steps, pmax, grid, out):
    """_scan_one for many networks at once (ws: (B, N, D), bs: (B, N), out: (B, SCAN_COLS))."""
    for i in prange(ws.shape[0]):
        _scan_one(ws[i], bs[i], transient, steps, pmax, grid, out[i])


@njit(parallel=True, **KERNEL)
def batch_bifurcation(ws, bs, transient, keep, neuron, out):
    """Last `keep` values of neuron x[neuron] (or y0 if neuron == N) after a transient, per network."""
    for i in prange(ws.shape[0]):
        w = ws[i]
        b = bs[i]
        n, d = w.shape
        x, buf, head = _start(n, d)
        for _ in range(transient):
            head, y0 = _step(w, b, x, buf, head)
        for t in range(keep):
            head, y0 = _step(w, b, x, buf, head)
            out[i, t] = x[neuron] if neuron < n else y0


@njit(parallel=True, **KERNEL)
def batch_trajectory_steps(ws, bs, steps, out):
    """Batched plain iteration (for throughput measurement): final y0 of each network."""
    for i in prange(ws.shape[0]):
        w = ws[i]
        b = bs[i]
        n, d = w.shape
        x, buf, head = _start(n, d)
        y0 = 0.0
        for _ in range(steps):
            head, y0 = _step(w, b, x, buf, head)
        out[i] = y0
