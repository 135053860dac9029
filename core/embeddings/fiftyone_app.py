"""The FiftyOne App, one click away: launched once per process on a configurable port, then pointed
at the dataset and view the user is looking at."""

from __future__ import annotations

import atexit
import contextlib
import logging
import threading
import time
import urllib.request
from collections.abc import Sequence
from typing import Any

log = logging.getLogger(__name__)

_lock = threading.Lock()
_session: dict[str, Any] = {}


class AppLaunchError(RuntimeError):
    """The FiftyOne App did not start. The message says what to do."""


def app_url(port: int, host: str = "localhost") -> str:
    return f"http://{host}:{port}/"


def answers(port: int, timeout: float = 2.0) -> bool:
    """True when a FiftyOne server answers on the port (its /fiftyone endpoint)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/fiftyone", timeout=timeout) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def close() -> None:
    """Stop the App server this process started (also registered to run at exit)."""
    with _lock:
        if _session.pop("session", None) is None:
            return
        _session.clear()
        import fiftyone as fo
        import fiftyone.core.session.session as fss

        with contextlib.suppress(Exception):
            fo.close_app()
        for port, service in list(getattr(fss, "_server_services", {}).items()):
            with contextlib.suppress(Exception):
                service.stop()  # closes the service's stdin: its wrapper then stops the server
            fss._server_services.pop(port, None)


def launch(dataset: Any, port: int, sample_ids: Sequence[str] | None = None, timeout: float = 90.0) -> str:
    """Show `dataset` (only `sample_ids` when given) in the FiftyOne App on `port`; return its URL."""
    import fiftyone as fo

    view = dataset.select(list(sample_ids), ordered=True) if sample_ids else dataset.view()
    with _lock:
        session = _session.get("session")
        try:
            if session is None or _session.get("port") != port:
                session = fo.launch_app(view, port=port, address="127.0.0.1", auto=False, remote=True)
                _session.update(session=session, port=port)
                atexit.register(close)
            else:
                session.view = view
        except Exception as exc:
            log.exception("FiftyOne App did not start")
            raise AppLaunchError(
                f"The FiftyOne App did not start on port {port} ({type(exc).__name__}). "
                "Another program may use that port: set MLSTUDIO_FIFTYONE_PORT to a free one."
            ) from None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if answers(port):
            return app_url(port)
        time.sleep(0.3)
    raise AppLaunchError(f"The FiftyOne App did not answer on port {port} within {timeout:.0f} s.")
