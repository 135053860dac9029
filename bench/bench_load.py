"""Many sessions at once, without browsers: websocket clients that speak Streamlit's own protocol.

A real `streamlit run` server on the loopback; each client opens a session and asks for every page in
turn (Home, Talk to Videos, Music, Grad-CAM, Attractors, Embeddings), as the browser does when a page is
opened from the menu: a `rerun_script` back-message with the page's name. A page's render time is from
that message to the server's `script_finished` (reruns the page asks for itself, e.g. to write its
state into the URL, are part of it). Printed per page: p50 and p95 of one warm session (the baseline:
the same server, after one session has opened every page once), and of N sessions at once; plus the
server's CPU-seconds per session (the server process, its threads and children).

    python -m bench.bench_load [--sessions 8]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.common import note, report

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.server import running_app  # noqa: E402

PAGES = {"Home": "", "Talk to Videos": "videos", "Music": "music", "Grad-CAM": "gradcam",
         "Attractors": "attractors", "Embeddings": "embeddings"}  # fmt: skip
RENDER_TIMEOUT = 300.0


async def open_pages(base_url: str) -> dict[str, float]:
    """One session: every page once, in order; seconds per page."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    finished = ForwardMsg.ScriptFinishedStatus
    done_statuses = {finished.FINISHED_SUCCESSFULLY, finished.FINISHED_WITH_COMPILE_ERROR}
    times: dict[str, float] = {}
    async with connect(base_url.replace("http", "ws", 1) + "/_stcore/stream", max_size=2**30) as socket:
        for label, page in PAGES.items():
            message = BackMsg()
            message.rerun_script.page_name = page
            message.rerun_script.query_string = ""
            started = time.perf_counter()
            await socket.send(message.SerializeToString())
            while True:
                raw = await asyncio.wait_for(socket.recv(), RENDER_TIMEOUT)
                forward = ForwardMsg()
                forward.ParseFromString(raw if isinstance(raw, bytes) else raw.encode())
                if forward.WhichOneof("type") == "script_finished" and forward.script_finished in done_statuses:
                    break
            times[label] = time.perf_counter() - started
    return times


def server_cpu_seconds(pid: int) -> float:
    import psutil

    process = psutil.Process(pid)
    total = sum(process.cpu_times()[:2])
    for child in process.children(recursive=True):
        with contextlib.suppress(psutil.Error):  # a child that ended meanwhile
            total += sum(child.cpu_times()[:2])
    return total


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(sessions: int) -> None:
    with (
        tempfile.TemporaryDirectory(prefix="mlstudio-bench-load-") as data,
        running_app(env={"MLSTUDIO_DATA_DIR": data}) as (url, process),
    ):
        cold = asyncio.run(open_pages(url))  # loads models and datasets once for the process
        for label, seconds in cold.items():
            note(f"load: first session ever, {label}", seconds, "s")
        warm_runs = [asyncio.run(open_pages(url)) for _ in range(3)]
        cpu_before = server_cpu_seconds(process.pid)

        async def many() -> list[dict[str, float]]:
            return list(await asyncio.gather(*(open_pages(url) for _ in range(sessions))))

        started = time.perf_counter()
        crowd = asyncio.run(many())
        wall = time.perf_counter() - started
        cpu = server_cpu_seconds(process.pid) - cpu_before
        for label in PAGES:
            single = [run_times[label] for run_times in warm_runs]
            together = [run_times[label] for run_times in crowd]
            report(f"load: {label} render p50, {sessions} sessions vs 1", statistics.median(together),
                   statistics.median(single), "s")  # fmt: skip
            note(f"load: {label} render p95, {sessions} sessions", percentile(together, 0.95), "s")
            note(f"load: {label} first render, one warm session (goal <= 3 s)", statistics.median(single), "s")
        note(f"load: server CPU-seconds per session ({sessions} at once, every page)", cpu / sessions, "s")
        note(f"load: {sessions} sessions opening every page, wall time", wall, "s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=8)
    run(parser.parse_args(argv).sessions)


if __name__ == "__main__":
    main()
