"""The FiftyOne App, one click away: launched once per process on a configurable port and bind address,
then pointed at the dataset and view the user is looking at. Behind a proxy or in a container, the URL
users open is the configured public URL, not the local one."""

from __future__ import annotations

import atexit
import contextlib
import logging
import threading
import time
import urllib.request
from collections.abc import Sequence
from typing import Any

from core.errors import UserError

log = logging.getLogger(__name__)

_lock = threading.Lock()
_session: dict[str, Any] = {}
_warming: dict[tuple[int, str], threading.Thread] = {}  # App servers being started ahead of a launch


class AppLaunchError(UserError, RuntimeError):
    """The FiftyOne App did not start. The message says what to do."""


def app_url(port: int, host: str = "localhost") -> str:
    return f"http://{host}:{port}/"


def public_app_url(port: int, public_url: str = "") -> str:
    """The URL users' browsers should open: the configured public URL when set, else the local one."""
    return public_url.strip() or app_url(port)


def probe_host(address: str) -> str:
    """Where this process checks that the App answers: loopback, unless bound to one other address only."""
    if address in ("", "0.0.0.0", "::", "localhost") or address.startswith("127."):
        return "127.0.0.1"
    return address


def answers(port: int, timeout: float = 2.0, host: str = "127.0.0.1") -> bool:
    """True when a FiftyOne server answers on the port (its /fiftyone endpoint)."""
    netloc = f"[{host}]" if ":" in host else host
    try:
        with urllib.request.urlopen(f"http://{netloc}:{port}/fiftyone", timeout=timeout) as response:
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


def _show_view(session: Any, view: Any, wait: float = 15.0) -> None:
    """Point a running App at `view`. Just after launch its event client may not be connected yet
    (FiftyOne raises "Client is not connected"), so the update is retried for a short while."""
    deadline = time.monotonic() + wait
    while True:
        try:
            session.view = view
            return
        except RuntimeError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)


def launch(
    dataset: Any,
    port: int,
    sample_ids: Sequence[str] | None = None,
    timeout: float = 90.0,
    address: str = "127.0.0.1",
    public_url: str = "",
) -> str:
    """Show `dataset` (only `sample_ids` when given) in the FiftyOne App bound to `address`:`port`;
    return the URL users should open (`public_url` when set, else http://localhost:port/)."""
    import fiftyone as fo

    view = dataset.select(list(sample_ids), ordered=True) if sample_ids else dataset.view()
    with _lock:
        session = _session.get("session")
        try:
            if session is None or (_session.get("port"), _session.get("address")) != (port, address):
                session = fo.launch_app(view, port=port, address=address, auto=False, remote=True)
                _session.update(session=session, port=port, address=address)
                atexit.register(close)
            else:
                _show_view(session, view)
        except Exception as exc:
            log.exception("FiftyOne App did not start")
            raise AppLaunchError(
                f"The FiftyOne App did not start on port {port} ({type(exc).__name__}). "
                "Another program may use that port: set MLSTUDIO_FIFTYONE_PORT to a free one."
            ) from None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if answers(port, host=probe_host(address)):
            return public_app_url(port, public_url)
        time.sleep(0.3)
    raise AppLaunchError(f"The FiftyOne App did not answer on port {port} within {timeout:.0f} s.")


def start_in_background(dataset: Any, port: int, address: str = "127.0.0.1") -> None:
    """Start the App server on `dataset` in a thread, once: the server takes about 10 s to come up, so
    the page starts it when the user opens the App panel and Launch then only points it at the view."""
    key = (port, address)
    with _lock:
        running = _session.get("session") is not None and (_session.get("port"), _session.get("address")) == key
        if running or (key in _warming and _warming[key].is_alive()):
            return

        def start() -> None:
            try:
                launch(dataset, port, address=address)
            except AppLaunchError as exc:  # Launch tries again and says so; nothing to show here
                log.warning("starting the FiftyOne App ahead of a launch failed: %s", exc)

        _warming[key] = threading.Thread(target=start, name=f"fiftyone-app-{port}", daemon=True)
        _warming[key].start()


def starting(port: int, address: str = "127.0.0.1") -> bool:
    """Whether the App server is being started in the background (so a Launch now waits for it)."""
    thread = _warming.get((port, address))
    return thread is not None and thread.is_alive()
