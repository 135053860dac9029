"""The guarded `requests` session and the music catalog download: each redirect hop checked, the connection
pinned to the checked address, Host and TLS kept on the name, proxies from the environment ignored."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests

from core.music.catalog import SOURCES, CatalogError, CatalogStore, download_source
from core.net.guard import BlockedAddress, FetchGuard
from core.net.requests_transport import guarded_session
from tests.music.generate import csv_bytes, make_catalog

from .conftest import PUBLIC_IP, FakeDNS, NetworkAudit, Site

CSV = {"Content-Type": "text/csv"}
REFUSED = "private network"


@pytest.fixture()
def sites(public: Site, internal: Site) -> tuple[Site, Site]:
    inside = f"http://internal.example:{internal.port}"
    public.routes["/catalog.csv"] = (200, CSV, csv_bytes(make_catalog(300)))
    for code in (301, 302, 303, 307, 308):
        public.routes[f"/r{code}"] = (code, {"Location": f"{inside}/catalog.csv"}, b"")
        public.routes[f"/r{code}-literal"] = (code, {"Location": f"http://127.0.0.2:{internal.port}/catalog.csv"}, b"")
    public.routes.update(
        {
            "/r-relative": (302, {"Location": "/catalog.csv"}, b""),
            "/r-protocol-relative": (302, {"Location": f"//internal.example:{internal.port}/catalog.csv"}, b""),
            "/r-chain": (302, {"Location": f"http://cdn.public.example:{public.port}/r308"}, b""),
            "/r-mapped": (302, {"Location": f"http://[::ffff:127.0.0.2]:{internal.port}/catalog.csv"}, b""),
            "/r-v6-loopback": (302, {"Location": f"http://[::1]:{internal.port}/catalog.csv"}, b""),
            "/r-private": (302, {"Location": "http://192.168.0.1/catalog.csv"}, b""),
            "/r-nat64": (302, {"Location": "http://nat64.example/catalog.csv"}, b""),
            "/r-bad-port": (302, {"Location": "http://public.example:99999/catalog.csv"}, b""),
            "/r-long-label": (302, {"Location": f"http://{'a' * 300}.example/catalog.csv"}, b""),
            "/r-unknown": (302, {"Location": "http://nowhere.example/catalog.csv"}, b""),
            "/r-gopher": (302, {"Location": "gopher://127.0.0.2:6379/_INFO"}, b""),
        }
    )
    return public, internal


def download(guard: FetchGuard, url: str, tmp_path: Path) -> tuple[str, Any]:
    return download_source(SOURCES[1], CatalogStore(tmp_path / "music"), url=url, timeout=5, guard=guard)


def assert_nothing_inside(internal: Site, public: Site, audit: NetworkAudit) -> None:
    assert internal.connections == [] and internal.requests == []
    assert audit.lookups == []
    assert set(audit.connects) <= {(PUBLIC_IP, public.port)}


def test_a_public_catalog_downloads_through_the_guard(
    sites: tuple[Site, Site], guard: FetchGuard, tmp_path: Path, network_audit: NetworkAudit
) -> None:
    public, internal = sites
    for path in ("/catalog.csv", "/r-relative"):
        _catalog_id, report = download(guard, f"http://public.example:{public.port}{path}", tmp_path / path[1:])
        assert report.rows_kept == 300
    assert {host for _m, _p, host in public.requests} == {f"public.example:{public.port}"}
    assert guard.refusals == []
    assert_nothing_inside(internal, public, network_audit)


@pytest.mark.parametrize(
    "path",
    [
        "/r301",
        "/r302",
        "/r303",
        "/r307",
        "/r308",
        "/r301-literal",
        "/r302-literal",
        "/r303-literal",
        "/r307-literal",
        "/r308-literal",
        "/r-protocol-relative",
        "/r-chain",
        "/r-mapped",
        "/r-v6-loopback",
        "/r-private",
        "/r-nat64",
    ],
)
def test_redirects_into_the_network_reach_nothing(
    path: str, sites: tuple[Site, Site], guard: FetchGuard, tmp_path: Path, network_audit: NetworkAudit
) -> None:
    public, internal = sites
    with pytest.raises(CatalogError, match=REFUSED):
        download(guard, f"http://public.example:{public.port}{path}", tmp_path)
    assert public.requests and not list((tmp_path / "music").glob("*.part"))
    assert_nothing_inside(internal, public, network_audit)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/r-bad-port", "not valid"),
        ("/r-long-label", "63|failed"),
        ("/r-unknown", "could not be found"),
        ("/r-gopher", "not valid"),
    ],
)
def test_bad_redirect_targets_are_messages(
    path: str, message: str, sites: tuple[Site, Site], guard: FetchGuard, tmp_path: Path, network_audit: NetworkAudit
) -> None:
    public, internal = sites
    with pytest.raises(CatalogError, match=message):
        download(guard, f"http://public.example:{public.port}{path}", tmp_path)
    assert_nothing_inside(internal, public, network_audit)


@pytest.mark.parametrize(
    "url",
    [
        "http://public.example:99999/catalog.csv",
        "http://public.example:0/catalog.csv",
        f"http://{'a' * 300}.example/catalog.csv",
        "http:///catalog.csv",
        "http://[zz]/catalog.csv",
        "http://nowhere.example/catalog.csv",
        "file:///etc/passwd",
    ],
)
def test_bad_catalog_urls_are_messages(url: str, guard: FetchGuard, tmp_path: Path) -> None:
    with pytest.raises(CatalogError) as caught:
        download(guard, url, tmp_path)
    assert "Traceback" not in str(caught.value) and len(str(caught.value)) < 200


def test_a_pinned_connection_goes_to_the_first_checked_address(
    sites: tuple[Site, Site], guard: FetchGuard, dns: FakeDNS, network_audit: NetworkAudit
) -> None:
    """DNS rebinding: rebind.example answers public first and internal afterwards. The guard resolves once
    per connection and connects to that checked answer; nothing resolves the name a second time."""
    public, internal = sites
    public.routes["/r-same-host"] = (302, {"Location": "/catalog.csv"}, b"")
    with guarded_session(guard) as session:
        response = session.get(f"http://rebind.example:{public.port}/r-same-host", timeout=5)
        assert response.status_code == 200 and len(response.content) > 1000
        assert dns.lookups == ["rebind.example"]  # the redirect reused the checked, pinned connection
        assert network_audit.connects == [(PUBLIC_IP, public.port)]
    with guarded_session(guard) as session, pytest.raises(BlockedAddress):
        session.get(f"http://rebind.example:{internal.port}/catalog.csv", timeout=5)  # a new connection: checked again
    assert public.requests[0][2] == f"rebind.example:{public.port}"
    assert_nothing_inside(internal, public, network_audit)


def test_proxies_from_the_environment_are_not_used(
    sites: tuple[Site, Site], guard: FetchGuard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    public, internal = sites
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, f"http://127.0.0.2:{internal.port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    _catalog_id, report = download(guard, f"http://public.example:{public.port}/catalog.csv", tmp_path)
    assert report.rows_kept == 300 and internal.connections == []
    with guarded_session(guard) as session, pytest.raises(BlockedAddress, match="proxy"):
        session.get(f"http://public.example:{public.port}/catalog.csv", proxies={"http": "http://proxy.example:3128"})


def test_the_catalog_download_is_deployed_unless_told(sites: tuple[Site, Site], tmp_path: Path) -> None:
    public, internal = sites
    store = CatalogStore(tmp_path / "music")
    with pytest.raises(CatalogError, match=REFUSED):
        download_source(SOURCES[1], store, url=f"http://127.0.0.1:{public.port}/catalog.csv", timeout=5)
    assert public.requests == []
    _catalog_id, report = download_source(
        SOURCES[1], store, url=f"http://127.0.0.1:{public.port}/catalog.csv", timeout=5, deployed=False
    )
    assert report.rows_kept == 300 and internal.requests == []


# --------------------------------------------------------------------------------------------------
# TLS: the socket goes to the checked address, while SNI and the certificate check use the name.


def _certificate(tmp_path: Path, name: str) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@pytest.fixture()
def tls_site(tmp_path: Path) -> Iterator[tuple[int, Path, list[str | None]]]:
    cert, key = _certificate(tmp_path, "public.example")
    sni: list[str | None] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: sni.append(name)  # type: ignore[assignment]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = f"hello {self.headers.get('Host')}".encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer((PUBLIC_IP, 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield int(server.server_address[1]), cert, sni
    server.shutdown()
    server.server_close()


def test_tls_keeps_the_name_for_sni_and_the_certificate(
    tls_site: tuple[int, Path, list[str | None]], tmp_path: Path, network_audit: NetworkAudit
) -> None:
    port, cert, sni = tls_site
    dns = FakeDNS({"public.example": [[PUBLIC_IP]], "other.example": [[PUBLIC_IP]]})
    guard = FetchGuard(policy=lambda a: a == ipaddress.ip_address(PUBLIC_IP), resolver=dns)
    with guarded_session(guard) as session:
        response = session.get(f"https://public.example:{port}/", verify=str(cert), timeout=5)
        assert response.text == f"hello public.example:{port}"
        assert sni == ["public.example"] and network_audit.connects == [(PUBLIC_IP, port)]
        with pytest.raises(requests.exceptions.SSLError):  # same address, another name: the certificate says no
            session.get(f"https://other.example:{port}/", verify=str(cert), timeout=5)
    assert network_audit.lookups == []
