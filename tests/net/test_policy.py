"""The deployed address policy by address literal, and every malformed URL as a short message (no connection)."""

from __future__ import annotations

import ipaddress

import pytest

from core.errors import UserError
from core.media.download import DownloadError, check_url
from core.net.guard import BadAddress, BlockedAddress, FetchGuard, guard_for, normalize_host
from core.net.policy import is_public_address

from .conftest import FakeDNS, NetworkAudit

DENIED = [
    # IPv4
    "0.0.0.0",
    "0.1.2.3",
    "10.0.0.5",
    "10.255.255.255",
    "100.64.0.1",
    "100.127.255.254",
    "127.0.0.1",
    "127.255.255.254",
    "169.254.169.254",
    "172.16.0.1",
    "172.31.255.255",
    "192.0.0.8",
    "192.0.0.170",
    "192.0.2.10",
    "192.88.99.1",
    "192.168.1.1",
    "198.18.0.1",
    "198.19.255.255",
    "198.51.100.7",
    "203.0.113.9",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    # IPv6
    "::",
    "::1",
    "::ffff:127.0.0.1",  # IPv4-mapped, judged by its IPv4
    "::ffff:10.0.0.5",
    "::ffff:169.254.169.254",
    "::127.0.0.1",  # IPv4-compatible
    "::10.0.0.5",
    "::ffff:0:10.0.0.5",  # IPv4-translated
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b::808:808",  # NAT64 of a public IPv4: the gateway is inside the network, refused as a whole
    "64:ff9b:1::a00:5",  # NAT64 local use
    "100::1",
    "2001::1",  # Teredo
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    "2001:2::1",  # benchmarking
    "2001:db8::1",
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:a00:5::1",  # 6to4 of 10.0.0.5
    "2002:808:808::1",  # 6to4 of a public IPv4: deprecated and relayed, refused as a whole
    "3fff::1",
    "5f00::1",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "fe80::1%1",
    "febf::1",
    "fec0::1",  # site-local
    "feff::1",
    "ff02::1",
    "ff05::2",
    "ff0e::1",  # global-scope multicast: is_global says True
]

ALLOWED = [
    "1.1.1.1",
    "8.8.8.8",
    "93.184.215.14",
    "100.63.255.255",  # just below CGNAT
    "100.128.0.0",  # just above
    "172.15.255.255",
    "172.32.0.1",
    "192.0.3.1",
    "198.17.255.255",
    "::ffff:8.8.8.8",
    "2606:4700:4700::1111",
    "2a00:1450:4001:82a::200e",
    "2001:4860:4860::8888",
    "2620:fe::fe",
]


@pytest.mark.parametrize("literal", DENIED)
def test_denied_ranges(literal: str) -> None:
    assert not is_public_address(ipaddress.ip_address(literal))


@pytest.mark.parametrize("literal", ALLOWED)
def test_public_addresses_pass(literal: str) -> None:
    assert is_public_address(ipaddress.ip_address(literal))


def test_is_global_alone_would_let_some_through() -> None:
    leaky = [a for a in map(ipaddress.ip_address, DENIED) if a.is_global]
    assert {"64:ff9b::7f00:1", "ff0e::1"} <= {str(a) for a in leaky}  # the policy is needed


@pytest.mark.parametrize("literal", [d for d in DENIED if "%" not in d])
def test_deployed_guard_refuses_each_literal_without_connecting(literal: str, network_audit: NetworkAudit) -> None:
    host = f"[{literal}]" if ":" in literal else literal
    with pytest.raises(BlockedAddress, match="public web addresses"):
        guard_for(deployed=True).check_url(f"http://{host}:8080/video.mp4")
    with pytest.raises(DownloadError, match="public"):
        check_url(f"https://{host}/video.mp4", deployed=True)
    assert network_audit.connects == [] and network_audit.lookups == []


@pytest.mark.parametrize(
    "url",
    ["http://2130706433/", "http://0x7f000001/", "http://0x7f.1/", "http://127.1/", "http://017700000001/"],
)
def test_numeric_spellings_of_loopback_are_resolved_then_refused(url: str, network_audit: NetworkAudit) -> None:
    # The system resolver turns these into 127.0.0.1 without DNS; the guard checks what it gives.
    with pytest.raises(BlockedAddress):
        guard_for(deployed=True).check_url(url)
    assert network_audit.connects == []


def test_every_resolved_address_is_checked(dns: FakeDNS) -> None:
    guard = FetchGuard(resolver=dns)
    with pytest.raises(BlockedAddress, match=r"mixed\.example"):
        guard.check_url("http://mixed.example/")
    with pytest.raises(BlockedAddress, match=r"nat64\.example"):
        guard.check_url("http://nat64.example/")
    with pytest.raises(BlockedAddress, match=r"metadata\.example"):
        guard.check_url("http://metadata.example/latest/meta-data/")
    assert guard.refusals and all("private network" in message for message in guard.refusals)


LONG_LABEL = "a" * 300
BAD_URLS = [
    ("", "http"),
    ("   ", "http"),
    ("video.mp4", "http"),
    ("file:///etc/passwd", "http"),
    ("ftp://public.example/a.mp4", "http"),
    ("javascript:alert(1)", "http"),
    ("gopher://127.0.0.1:6379/_INFO", "http"),
    ("http://", "no host"),
    ("http:///x", "no host"),
    ("http://:80/", "no host"),
    ("http://user@/x", "no host"),
    ("http://public.example:99999/", "port"),
    ("http://public.example:65536/", "port"),
    ("http://public.example:0/", "port"),
    ("http://public.example:-1/", "port"),
    ("http://public.example:abc/", "port"),
    ("http://public.example:8o/", "port"),
    (f"http://{LONG_LABEL}.example/", "63"),
    (f"https://{'b' * 64}.example/x", "63"),
    (f"http://{'.'.join(['abcdefghij'] * 24)}.example/", "253"),
    ("http://a..b/", "empty parts"),
    ("http://.example/", "empty parts"),
    ("http://exa%41mple.com/", "characters"),
    ("http://ex ample.com/", "characters"),
    ("http://[zz]/", "not valid"),
    ("http://[::1/", "not valid"),
    (f"http://{'ü' * 70}.de/", "international"),
    ("http://exa\u2044mple.com/", "international"),
    ("http://\U0001f4a9.la/", "international"),
    ("http://\u0661\u0662a.com/", "international"),
    ("http://xn--a.example/", "not be found"),
    ("http://nowhere.example/", "not be found"),
]


@pytest.mark.parametrize(("url", "message"), BAD_URLS)
def test_bad_urls_are_short_messages(url: str, message: str, dns: FakeDNS, network_audit: NetworkAudit) -> None:
    for guard in (FetchGuard(resolver=dns), FetchGuard(policy=None, resolver=dns)):
        with pytest.raises(BadAddress) as caught:
            if "not be found" in message:  # resolution happens only when addresses are restricted
                guard.addresses(normalize_host(url.split("/")[2]), 80)
            else:
                guard.check_url(url)
        assert isinstance(caught.value, UserError) and message in str(caught.value)
        assert len(str(caught.value)) < 160 and "Traceback" not in str(caught.value)
    assert network_audit.connects == []


@pytest.mark.parametrize(("url", "message"), [(u, m) for u, m in BAD_URLS if "not be found" not in m])
def test_the_link_box_check_gives_the_same_messages(url: str, message: str) -> None:
    for deployed in (True, False):
        with pytest.raises(DownloadError, match=message):
            check_url(url, deployed=deployed)


def test_unicode_host_is_idna_encoded() -> None:
    assert normalize_host("Bücher.Example.") == "xn--bcher-kva.example"
    assert normalize_host("[::1]") == "::1"


def test_the_deployed_guard_is_on_and_local_use_allows_the_lan() -> None:
    assert guard_for(deployed=True).policy is is_public_address
    assert guard_for(deployed=True) is not guard_for(deployed=True)  # one per piece of work
    local = guard_for(deployed=False)
    assert (
        local.policy is None and local.check_url(" http://192.168.1.20:8000/a.mp4 ") == "http://192.168.1.20:8000/a.mp4"
    )


def test_a_resolver_that_fails_oddly_is_a_message() -> None:
    def broken(host: str, port: int) -> list[ipaddress.IPv4Address]:
        raise UnicodeError("label too long")

    def timed_out(host: str, port: int) -> list[ipaddress.IPv4Address]:
        raise TimeoutError("timed out")

    for resolver in (broken, timed_out, lambda host, port: []):
        with pytest.raises(BadAddress):
            FetchGuard(resolver=resolver).check_url("http://public.example/")
