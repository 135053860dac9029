"""ffmpeg helpers (probe, silences, cut plans) and yt-dlp against a local HTTP server."""

import functools
import http.server
import subprocess
import threading
from pathlib import Path

import pytest

from core.media.download import DownloadError, check_url, fetch
from core.media.ffmpeg import detect_silences, ffmpeg_binary, plan_cuts, probe
from core.videos.library import Library
from core.videos.pipeline import InputError, ingest_url


def _speechlike(path: Path) -> Path:
    """Tone 0-3 s, silence 3-4 s, tone 4-7 s."""
    subprocess.run(
        [
            ffmpeg_binary(),
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "sine=f=440:d=3,apad=pad_dur=1[a];sine=f=440:d=3[b];[a][b]concat=n=2:v=0:a=1",
            "-filter_complex_threads",
            "1",
            "-ar",
            "16000",
            "-ac",
            "1",
            str(path),
        ],
        check=False,
    )
    if not path.exists():
        subprocess.run(
            [
                ffmpeg_binary(),
                "-loglevel",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                "aevalsrc='if(between(t,3,4),0,sin(2*PI*440*t))':d=7:s=16000",
                str(path),
            ],
            check=True,
        )
    return path


def test_probe_and_silences(tmp_path: Path) -> None:
    audio = _speechlike(tmp_path / "a.wav")
    info = probe(audio)
    assert info.has_audio and not info.has_video and 6.5 < info.duration < 7.5
    silences = detect_silences(audio, min_silence=0.5)
    assert any(2.9 < start < 3.2 and 3.8 < end < 4.2 for start, end in silences)


def test_plan_cuts_prefers_silences_and_bounds_pieces() -> None:
    cuts = plan_cuts(100.0, [(28.0, 30.0), (55.0, 56.0), (90, 91)], max_piece=40.0)
    assert cuts[0] == (0.0, 29.0) and cuts[1] == (29.0, 55.5)
    assert all(end - start <= 40.0 for start, end in cuts) and cuts[-1][1] == 100.0
    forced = plan_cuts(100.0, [], max_piece=30.0, overlap=1.0)
    assert forced[0] == (0.0, 29.0) and forced[1][0] == 28.0  # overlap: starts a second early


def test_urls_are_checked() -> None:
    with pytest.raises(DownloadError, match="http"):
        check_url("file:///etc/passwd", deployed=False)
    with pytest.raises(DownloadError, match="public"):
        check_url("http://127.0.0.1:8501/x.mp4", deployed=True)
    assert check_url("http://127.0.0.1/x.mp4", deployed=False)


@pytest.fixture()
def http_folder(tmp_path: Path):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *a: None  # type: ignore[assignment]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_ytdlp_downloads_media_from_a_local_server(http_folder, tmp_path: Path) -> None:
    folder, base = http_folder
    _speechlike(folder / "talk.wav")
    remote = fetch(f"{base}/talk.wav", tmp_path / "dl", deployed=False, max_bytes=10 * 2**20)
    assert remote.media_path is not None and remote.media_path.stat().st_size > 10_000
    assert remote.captions_path is None and remote.source_id.startswith("Generic-")


def test_ytdlp_takes_captions_first_from_a_page(http_folder, tmp_path: Path) -> None:
    folder, base = http_folder
    _speechlike(folder / "talk.wav")
    (folder / "talk.en.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:03.000\nCaptions say hello to everyone here.\n")
    (folder / "page.html").write_text(
        '<html><head><title>Lecture page</title></head><body><video controls src="talk.wav">'
        '<track kind="captions" srclang="en" src="talk.en.vtt"></video></body></html>'
    )
    library = Library(tmp_path / "videos")
    record = ingest_url(library, f"{base}/page.html", deployed=False, max_bytes=10 * 2**20)
    assert record.transcript_source == "captions"
    assert library.transcript(record.id)[0].text == "Captions say hello to everyone here."


def test_ytdlp_missing_page_is_a_message(http_folder, tmp_path: Path) -> None:
    _folder, base = http_folder
    with pytest.raises(InputError, match=r"Nothing was found|not supported|failed"):
        ingest_url(Library(tmp_path / "videos"), f"{base}/missing.mp4", deployed=False, max_bytes=2**20)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ERROR: Unsupported URL: https://example.com/x", "not supported"),
        ("ERROR: [youtube] abc: Private video. Sign in if you've been granted access", "private"),
        ("ERROR: unable to download video data: HTTP Error 403: Forbidden", "blocked the download"),
        ("ERROR: [Errno -2] Name or service not known", "could not be reached"),
    ],
)
def test_ytdlp_errors_become_advice(raw: str, expected: str) -> None:
    from core.media.download import _friendly

    message = _friendly(raw)
    assert expected in message and ("Upload" in message or "Check" in message)
