"""A local test double of the Spotify Web API (token endpoint, search, track) that real spotipy talks to.

It checks what the real service checks that matters here: Basic client credentials on the token
endpoint, the Bearer token on API calls, and the 10-results-per-page search cap; failures (429
with Retry-After, 5xx, bad credentials) are queued by the tests.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

CLIENT_ID = "test-client-id"
CLIENT_SECRET = "test-client-secret"
ACCESS_TOKEN = "double-access-token"
USER_TOKEN = "double-user-token"
LOGIN_CODE = "double-login-code"


def make_track(track_id: str, name: str, artist: str, isrc: str | None = None) -> dict:
    return {
        "id": track_id,
        "name": name,
        "artists": [{"id": "a" * 22, "name": artist}],
        "album": {
            "name": f"{name} (album)",
            "images": [
                {"url": f"https://i.scdn.co/image/{track_id}-640", "width": 640, "height": 640},
                {"url": f"https://i.scdn.co/image/{track_id}-300", "width": 300, "height": 300},
            ],
        },
        "external_urls": {"spotify": f"https://open.spotify.com/track/{track_id}"},
        "external_ids": {"isrc": isrc} if isrc else {},
    }


@dataclass
class SpotifyDouble:
    tracks: list[dict] = field(default_factory=list)
    artists: list[dict] = field(default_factory=list)
    failures: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # for API calls, in order
    requests: list[tuple[str, str]] = field(default_factory=list)  # (method, path?query)
    token_requests: int = 0
    base_url: str = ""
    allow_listed: bool = True  # False: the login works but Spotify refuses the user (403), as in dev mode
    redirect_uri: str = "http://127.0.0.1:8501/music"
    playlists: dict[str, dict] = field(default_factory=dict)

    @property
    def api_prefix(self) -> str:
        return f"{self.base_url}/v1/"

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/api/token"


def _handler(double: SpotifyDouble) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _send(self, status: int, body: dict, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            raw = self.rfile.read(length).decode()
            path = urlparse(self.path).path
            if path.startswith("/v1/"):
                self._user_post(path, json.loads(raw) if raw else None)
                return
            body = parse_qs(raw)
            if path != "/api/token":
                self._send(404, {"error": {"status": 404, "message": "Not found"}})
                return
            double.token_requests += 1
            expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            if self.headers.get("Authorization") != f"Basic {expected}":
                self._send(400, {"error": "invalid_client", "error_description": "Invalid client"})
                return
            grant = body.get("grant_type", [""])[0]
            if grant == "authorization_code":
                if body.get("code") != [LOGIN_CODE] or body.get("redirect_uri") != [double.redirect_uri]:
                    self._send(400, {"error": "invalid_grant", "error_description": "Invalid authorization code"})
                    return
                self._send(
                    200,
                    {
                        "access_token": USER_TOKEN,
                        "token_type": "Bearer",
                        "expires_in": 3600,
                        "refresh_token": "double-refresh",
                        "scope": "user-top-read playlist-modify-private",
                    },
                )
                return
            if grant != "client_credentials":
                self._send(400, {"error": "unsupported_grant_type"})
                return
            self._send(200, {"access_token": ACCESS_TOKEN, "token_type": "Bearer", "expires_in": 3600})

        def _user_ok(self) -> bool:
            if self.headers.get("Authorization") != f"Bearer {USER_TOKEN}":
                self._send(401, {"error": {"status": 401, "message": "No user token"}})
                return False
            if not double.allow_listed:
                self._send(
                    403,
                    {"error": {"status": 403, "message": "User not registered in the Developer Dashboard"}},
                )
                return False
            return True

        def _user_post(self, path: str, payload: object) -> None:
            double.requests.append(("POST", self.path))
            if not self._user_ok():
                return
            if path == "/v1/me/playlists" and isinstance(payload, dict):
                playlist_id = f"{len(double.playlists):022d}"
                double.playlists[playlist_id] = {**payload, "items": []}
                self._send(
                    201,
                    {
                        "id": playlist_id,
                        "name": payload.get("name"),
                        "external_urls": {"spotify": f"https://open.spotify.com/playlist/{playlist_id}"},
                    },
                )
                return
            if path.startswith("/v1/playlists/") and path.endswith("/items"):
                playlist_id = path.split("/")[3]
                if playlist_id not in double.playlists or not isinstance(payload, list):
                    self._send(404, {"error": {"status": 404, "message": "Not found"}})
                    return
                double.playlists[playlist_id]["items"].extend(payload)
                self._send(201, {"snapshot_id": "snap"})
                return
            self._send(404, {"error": {"status": 404, "message": "Service not found"}})

        def do_GET(self) -> None:
            double.requests.append(("GET", self.path))
            if urlparse(self.path).path.startswith("/v1/me"):
                if not self._user_ok():
                    return
                if urlparse(self.path).path.rstrip("/") == "/v1/me":
                    self._send(200, {"id": "tester", "display_name": "Test Listener"})
                    return
                limit = int(parse_qs(urlparse(self.path).query).get("limit", ["20"])[0])
                self._send(200, {"items": double.tracks[:limit], "total": len(double.tracks)})
                return
            if self.headers.get("Authorization") not in (f"Bearer {ACCESS_TOKEN}", f"Bearer {USER_TOKEN}"):
                self._send(401, {"error": {"status": 401, "message": "Invalid access token"}})
                return
            if double.failures:
                status, headers = double.failures.pop(0)
                self._send(status, {"error": {"status": status, "message": "injected"}}, headers)
                return
            url = urlparse(self.path)
            params = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/v1/search":
                limit = int(params.get("limit", 10))
                offset = int(params.get("offset", 0))
                if limit > 10:
                    self._send(400, {"error": {"status": 400, "message": "Invalid limit"}})
                    return
                query = params.get("q", "").lower()
                kind = params.get("type", "track")
                pool = double.tracks if kind == "track" else double.artists
                hits = [
                    item
                    for item in pool
                    if query in item["name"].lower() or any(query in a["name"].lower() for a in item.get("artists", []))
                ]
                self._send(
                    200,
                    {
                        f"{kind}s": {
                            "items": hits[offset : offset + limit],
                            "offset": offset,
                            "limit": limit,
                            "total": len(hits),
                        }
                    },
                )
                return
            if url.path.startswith("/v1/tracks/"):
                track_id = url.path.rsplit("/", 1)[1]
                for track in double.tracks:
                    if track["id"] == track_id:
                        self._send(200, track)
                        return
                self._send(404, {"error": {"status": 404, "message": "Non existing id"}})
                return
            self._send(404, {"error": {"status": 404, "message": "Service not found"}})

    return Handler


@contextmanager
def running_double(double: SpotifyDouble | None = None) -> Iterator[SpotifyDouble]:
    double = double or SpotifyDouble()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(double))
    double.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield double
    finally:
        server.shutdown()
        server.server_close()
