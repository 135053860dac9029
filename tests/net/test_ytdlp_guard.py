"""yt-dlp fetches through the guard: redirects, page-embedded media, tracks, og:video, HLS and DASH that point
into the network reach nothing there; the public site still works; nothing else resolves or connects."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.media.download import DownloadError, fetch
from core.net.guard import FetchGuard
from core.videos.library import Library
from core.videos.pipeline import InputError, ingest_url

from .conftest import PUBLIC_IP, WAV, FakeDNS, NetworkAudit, Site

HTML = {"Content-Type": "text/html; charset=utf-8"}
M3U8 = {"Content-Type": "application/vnd.apple.mpegurl"}
REFUSED = "private network"


def page(body: str, title: str = "A public lecture") -> tuple[int, dict[str, str], bytes]:
    return 200, HTML, f"<html><head><title>{title}</title></head><body>{body}</body></html>".encode()


def media_playlist(*segments: str, end: bool = True) -> tuple[int, dict[str, str], bytes]:
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:1", "#EXT-X-MEDIA-SEQUENCE:0"]
    for segment in segments:
        lines += ["#EXTINF:1.0,", segment]
    if end:
        lines.append("#EXT-X-ENDLIST")
    return 200, M3U8, ("\n".join(lines) + "\n").encode()


@pytest.fixture()
def sites(public: Site, internal: Site) -> tuple[Site, Site]:
    inside = f"http://internal.example:{internal.port}"
    public.routes.update(
        {
            "/clip.wav": (200, {"Content-Type": "audio/wav"}, WAV),
            "/seg0.ts": (200, {"Content-Type": "video/mp2t"}, WAV),
            "/ok.html": page('<video controls src="/clip.wav"></video>'),
            "/video.html": page(f'<video controls src="{inside}/secret.wav"></video>'),
            "/source.html": page(f'<video controls><source src="{inside}/secret.wav" type="audio/wav"></video>'),
            "/audio.html": page(f'<audio controls src="http://127.0.0.2:{internal.port}/secret.wav"></audio>'),
            "/track.html": page(
                '<video controls src="/clip.wav">'
                f'<track kind="captions" srclang="en" src="{inside}/secret.vtt"></video>'
            ),
            "/og.html": (
                200,
                HTML,
                (
                    "<html><head><title>og</title>"
                    f'<meta property="og:video" content="{inside}/secret.wav">'
                    '<meta property="og:video:type" content="audio/wav"></head><body>hi</body></html>'
                ).encode(),
            ),
            "/hls.m3u8": media_playlist(f"{inside}/seg0.ts"),
            "/hls-mixed.m3u8": media_playlist("/seg0.ts", f"{inside}/seg0.ts"),
            "/hls-ok.m3u8": media_playlist("/seg0.ts", "/seg0.ts"),
            "/hls-live.m3u8": media_playlist("/seg0.ts", end=False),
            "/master.m3u8": (
                200,
                M3U8,
                (f'#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=64000,CODECS="mp4a.40.2"\n{inside}/variant.m3u8\n').encode(),
            ),
            "/hls.html": page('<video controls src="/hls.m3u8"></video>'),
            "/dash.mpd": (
                200,
                {"Content-Type": "application/dash+xml"},
                (
                    '<?xml version="1.0"?><MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" '
                    'mediaPresentationDuration="PT1S" minBufferTime="PT1S" '
                    'profiles="urn:mpeg:dash:profile:isoff-on-demand:2011">'
                    f'<BaseURL>{inside}/</BaseURL><Period><AdaptationSet mimeType="audio/mp4">'
                    '<Representation id="a" bandwidth="64000" codecs="mp4a.40.2"><BaseURL>secret.m4a</BaseURL>'
                    "</Representation></AdaptationSet></Period></MPD>"
                ).encode(),
            ),
        }
    )
    for code in (301, 302, 303, 307, 308):
        public.routes[f"/r{code}"] = (code, {"Location": f"{inside}/secret.wav"}, b"")
        public.routes[f"/r{code}-literal"] = (code, {"Location": f"http://127.0.0.2:{internal.port}/secret.wav"}, b"")
    public.routes.update(
        {
            "/r-relative": (302, {"Location": "/clip.wav"}, b""),
            "/r-protocol-relative": (302, {"Location": f"//internal.example:{internal.port}/secret.wav"}, b""),
            "/r-chain": (302, {"Location": f"http://cdn.public.example:{public.port}/r307"}, b""),
            "/r-mapped": (302, {"Location": f"http://[::ffff:127.0.0.2]:{internal.port}/secret.wav"}, b""),
            "/r-private": (302, {"Location": f"http://10.0.0.5:{internal.port}/secret.wav"}, b""),
            "/r-metadata": (302, {"Location": "http://metadata.example/latest/meta-data/"}, b""),
            "/r-bad-port": (302, {"Location": "http://public.example:99999/clip.wav"}, b""),
            "/r-long-label": (302, {"Location": f"http://{'a' * 300}.example/clip.wav"}, b""),
            "/r-unknown": (302, {"Location": "http://nowhere.example/clip.wav"}, b""),
            "/r-file": (302, {"Location": "file:///etc/passwd"}, b""),
        }
    )
    return public, internal


def run_fetch(guard: FetchGuard, url: str, tmp_path: Path):
    return fetch(url, tmp_path / "dl", deployed=True, max_bytes=10 * 2**20, guard=guard)


def assert_nothing_inside(internal: Site, public: Site, audit: NetworkAudit) -> None:
    assert internal.connections == [] and internal.requests == []
    assert audit.lookups == []  # nothing but the guard's resolver looked a name up
    assert set(audit.connects) <= {(PUBLIC_IP, public.port)}  # and every connection went to a checked address
    assert not [p for p in audit.processes if "http" in p or "m3u8" in p], audit.processes  # no program fetched


def test_public_page_media_and_hls_work_through_the_guard(
    sites: tuple[Site, Site], guard: FetchGuard, dns: FakeDNS, tmp_path: Path, network_audit: NetworkAudit
) -> None:
    public, internal = sites
    for index, path in enumerate(("/clip.wav", "/ok.html", "/r-relative", "/hls-ok.m3u8")):
        remote = run_fetch(guard, f"http://public.example:{public.port}{path}", tmp_path / str(index))
        assert remote.media_path is not None and remote.media_path.stat().st_size >= len(WAV)
    assert guard.refusals == []
    hosts = {host for _method, _path, host in public.requests}
    assert hosts == {f"public.example:{public.port}"}  # the Host header keeps the name
    assert "/seg0.ts" in {p for _m, p, _h in public.requests}
    assert dns.lookups and set(dns.lookups) == {"public.example"}
    assert_nothing_inside(internal, public, network_audit)


INTO_THE_NETWORK = [
    "/r301",
    "/r302",
    "/r303",
    "/r307",
    "/r308",
    "/r301-literal",
    "/r302-literal",
    "/r307-literal",
    "/r308-literal",
    "/r-protocol-relative",
    "/r-chain",
    "/r-mapped",
    "/r-private",
    "/r-metadata",
    "/video.html",
    "/source.html",
    "/audio.html",
    "/og.html",
    "/hls.m3u8",
    "/hls-mixed.m3u8",
    "/master.m3u8",
    "/hls.html",
    "/dash.mpd",
]


@pytest.mark.parametrize("path", INTO_THE_NETWORK)
def test_links_into_the_network_reach_nothing(
    path: str, sites: tuple[Site, Site], guard: FetchGuard, tmp_path: Path, network_audit: NetworkAudit
) -> None:
    public, internal = sites
    with pytest.raises(DownloadError) as caught:
        run_fetch(guard, f"http://public.example:{public.port}{path}", tmp_path)
    assert_nothing_inside(internal, public, network_audit)
    assert public.requests  # the public site was asked: the refusal happened on the way, not before
    message = str(caught.value)
    assert REFUSED in message or "Nothing was found" in message or "not supported" in message, message
    assert guard.refusals, "the guard refused a connection"


def test_captions_pointing_inside_are_refused_and_the_public_audio_is_used(
    sites: tuple[Site, Site], guard: FetchGuard, tmp_path: Path, network_audit: NetworkAudit
) -> None:
    public, internal = sites
    remote = run_fetch(guard, f"http://public.example:{public.port}/track.html", tmp_path)
    assert remote.captions_path is None and remote.media_path is not None
    assert guard.refusals and "internal.example" in guard.refusals[0]
    assert_nothing_inside(internal, public, network_audit)


@pytest.mark.parametrize(
    "url",
    [
        "http://internal.example:{port}/secret.wav",
        "http://127.0.0.2:{port}/secret.wav",
        "http://[::ffff:127.0.0.2]:{port}/secret.wav",
        "http://10.0.0.5:{port}/secret.wav",
        "http://mixed.example:{port}/secret.wav",
        "http://nat64.example:{port}/secret.wav",
        "http://metadata.example/latest/meta-data/",
    ],
)
def test_a_direct_internal_link_is_refused_before_any_fetch(
    url: str, sites: tuple[Site, Site], guard: FetchGuard, tmp_path: Path, network_audit: NetworkAudit
) -> None:
    public, internal = sites
    with pytest.raises(DownloadError, match=REFUSED):
        run_fetch(guard, url.format(port=internal.port), tmp_path)
    assert public.requests == [] and network_audit.connects == []
    assert_nothing_inside(internal, public, network_audit)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/r-bad-port", r"port|failed|Check"),
        ("/r-long-label", r"63|failed|Check"),
        ("/r-unknown", r"could not be found|could not be reached|failed"),
        ("/r-file", r"failed|Check|not supported|Nothing"),
    ],
)
def test_bad_redirect_targets_are_messages(
    path: str, message: str, sites: tuple[Site, Site], guard: FetchGuard, tmp_path: Path, network_audit: NetworkAudit
) -> None:
    public, internal = sites
    with pytest.raises(DownloadError, match=message) as caught:
        run_fetch(guard, f"http://public.example:{public.port}{path}", tmp_path)
    assert "Traceback" not in str(caught.value) and len(str(caught.value)) < 200
    assert_nothing_inside(internal, public, network_audit)


def test_dns_rebinding_reaches_nothing(
    sites: tuple[Site, Site], guard: FetchGuard, dns: FakeDNS, tmp_path: Path, network_audit: NetworkAudit
) -> None:
    # The link check resolves rebind.example to the public address; every later answer is internal.
    public, internal = sites
    public.routes["/rebind.html"] = page('<video src="/clip.wav"></video>')
    with pytest.raises(DownloadError, match=REFUSED):
        run_fetch(guard, f"http://rebind.example:{internal.port}/rebind.html", tmp_path)
    assert dns.lookups.count("rebind.example") >= 2  # each connection resolved and checked again
    assert_nothing_inside(internal, public, network_audit)


def test_a_live_hls_stream_is_not_handed_to_ffmpeg(
    sites: tuple[Site, Site], guard: FetchGuard, tmp_path: Path, network_audit: NetworkAudit
) -> None:
    public, internal = sites
    # yt-dlp hands a live HLS stream to ffmpeg, which would fetch the playlist itself, unguarded.
    with pytest.raises(DownloadError):
        run_fetch(guard, f"http://public.example:{public.port}/hls-live.m3u8", tmp_path)
    assert_nothing_inside(internal, public, network_audit)


def test_deployed_mode_uses_the_real_policy(
    sites: tuple[Site, Site], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, network_audit: NetworkAudit
) -> None:
    """No injected guard: deployed, a link to the loopback (the server itself) is refused end to end."""
    public, internal = sites
    for url in (f"http://127.0.0.1:{public.port}/ok.html", f"http://localhost:{internal.port}/secret.wav"):
        with pytest.raises(DownloadError, match=REFUSED):
            fetch(url, tmp_path / "dl", deployed=True, max_bytes=2**20)
        with pytest.raises(InputError, match=REFUSED):
            ingest_url(Library(tmp_path / "videos"), url, deployed=True, max_bytes=2**20)
    assert public.requests == [] and internal.requests == [] and internal.connections == []
    # Local use fetches from the machine itself, still through the guard.
    remote = fetch(f"http://127.0.0.1:{public.port}/ok.html", tmp_path / "local", deployed=False, max_bytes=2**20)
    assert remote.media_path is not None and public.requests


def test_proxies_from_the_environment_are_not_used(
    sites: tuple[Site, Site], guard: FetchGuard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    public, internal = sites
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.setenv(name, f"http://127.0.0.2:{internal.port}")
    remote = run_fetch(guard, f"http://public.example:{public.port}/ok.html", tmp_path)
    assert remote.media_path is not None and internal.connections == []


def test_yt_dlp_has_no_other_way_out(guard: FetchGuard) -> None:
    from core.net.ytdlp_handler import GuardedRequestsRH, GuardedYoutubeDL

    with GuardedYoutubeDL({"quiet": True, "external_downloader": "aria2c", "proxy": "http://x:1"}, guard) as ydl:
        handlers = list(ydl._request_director.handlers.values())
        assert [type(h) for h in handlers] == [GuardedRequestsRH] and handlers[0].guard is guard
        assert ydl.params["external_downloader"] == {"default": "native"} and ydl.params["proxy"] == ""
        other = ydl.build_request_director([])  # asked for other handlers, still only the guarded one
        assert [type(h) for h in other.handlers.values()] == [GuardedRequestsRH]
        other.close()
        from yt_dlp.postprocessor.ffmpeg import FFmpegPostProcessor

        assert not FFmpegPostProcessor(ydl).available  # HlsFD's own fallback to ffmpeg finds none
