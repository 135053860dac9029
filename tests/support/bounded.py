"""Run a piece of work in a fresh Python process and measure how much memory it took.

`run_bounded(setup, action)` runs `setup` (imports, building the bomb file), then `action` under an
address-space limit of the current size plus `limit_mb`, and reports the peak resident memory the
action added (VmHWM after, reset before, minus the resident size before), the user message it raised,
or that it ran out of memory.
The limit keeps a bomb that is not refused from taking the machine down with the test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_PROGRAM = """
import json, resource, sys, traceback

def _status_kb(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _vm_bytes():
    return _status_kb("VmSize") * 1024

{setup}

_limit = _vm_bytes() + {limit_mb} * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (_limit, resource.RLIM_INFINITY))
# Peak resident memory of this process image (VmHWM), reset here; ru_maxrss would include the
# memory of the parent this process was forked from.
try:
    with open("/proc/self/clear_refs", "w") as _refs:
        _refs.write("5")
    _before = _status_kb("VmRSS")
except OSError:
    _before = _status_kb("VmHWM")
_result = {{"outcome": "finished", "error": None, "message": None}}
try:
{action}
except MemoryError:
    _result["outcome"] = "out of memory"
except BaseException as _exc:
    from core.errors import UserError
    _result["outcome"] = "user error" if isinstance(_exc, UserError) else "crash"
    _result["error"] = type(_exc).__name__
    _result["message"] = str(_exc)
    if not isinstance(_exc, UserError):
        traceback.print_exc()
_result["peak_mb"] = (_status_kb("VmHWM") - _before) / 1024
print("RESULT " + json.dumps(_result))
"""


@dataclass(frozen=True)
class Outcome:
    outcome: str  # "finished", "user error", "crash" or "out of memory"
    error: str | None  # the exception's class name
    message: str | None
    peak_mb: float  # resident memory the action added at its peak
    stderr: str


def run_bounded(setup: str, action: str, limit_mb: int = 1500, timeout: float = 300.0) -> Outcome:
    program = _PROGRAM.format(
        setup=textwrap.dedent(setup), action=textwrap.indent(textwrap.dedent(action), "    "), limit_mb=limit_mb
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if not lines:
        # killed (e.g. by the limit inside a C library): that is running out of memory too
        return Outcome("out of memory" if done.returncode < 0 else "crash", None, None, float("nan"), done.stderr)
    data = json.loads(lines[-1].removeprefix("RESULT "))
    return Outcome(data["outcome"], data["error"], data["message"], float(data["peak_mb"]), done.stderr)
