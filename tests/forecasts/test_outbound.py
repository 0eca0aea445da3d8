"""The guarded outbound client against real local servers: refusals, redirects, deadline, cap."""

from __future__ import annotations

import json
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address

import pytest
import trustme
from werkzeug import Request, Response

from forecasts import outbound
from forecasts.config import ConfigError, Settings
from forecasts.outbound import Failure, OutboundError, fetch, parse_networks
from tests.support.builders import LOCAL


def refused(url: str, allowed=()) -> OutboundError:  # type: ignore[no-untyped-def]
    with pytest.raises(OutboundError) as caught:
        fetch(url, max_bytes=1000, deadline=2.0, allowed=allowed)
    return caught.value


@pytest.mark.parametrize("host", [
    "127.0.0.1", "localhost", "127.1", "2130706433", "0x7f000001", "0177.0.0.1", "0",
    "0.0.0.0", "[::1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::]",
    "10.0.0.1", "172.16.5.4", "192.168.1.1", "100.64.0.1", "169.254.169.254", "[fe80::1]",
    "[fd00::1]", "224.0.0.1", "240.0.0.1", "255.255.255.255", "[2002:7f00:1::]",
])
def test_addresses_that_are_not_public_are_refused_in_every_spelling(httpserver, host):
    httpserver.expect_request("/healthz").respond_with_json({"status": "ok"})
    port = httpserver.port

    error = refused(f"http://{host}:{port}/healthz")

    assert error.failure is Failure.refused
    assert "not a public address" in str(error)
    assert httpserver.log == []  # nothing was sent


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://example.org/", "ftp://x/",
                                 "http:///nohost", "javascript:alert(1)", "http://[::1"])
def test_only_http_and_https_urls_with_a_host_are_fetched(url):
    assert refused(url).failure is Failure.bad_url


def test_a_redirect_chain_into_loopback_is_refused_at_the_hop(httpserver):
    """Three hops on an allowed address, then one to 127.0.0.2 (spelled as a number)."""
    httpserver.expect_request("/healthz").respond_with_json({"secret": "internal"})
    target = f"http://2130706434:{httpserver.port}/healthz"
    for hop, location in (("/a", "/b"), ("/b", "/c"), ("/c", target)):
        httpserver.expect_request(hop).respond_with_data("", status=302,
                                                         headers={"Location": location})

    with pytest.raises(OutboundError) as caught:
        fetch(f"http://127.0.0.1:{httpserver.port}/a", max_bytes=1000, deadline=2.0,
              allowed=parse_networks("127.0.0.1/32"))

    assert caught.value.failure is Failure.refused
    assert [entry[0].path for entry in httpserver.log] == ["/a", "/b", "/c"]


def test_a_redirect_to_a_private_address_is_refused_even_from_an_allowed_start(httpserver):
    httpserver.expect_request("/go").respond_with_data(
        "", status=301, headers={"Location": "http://169.254.169.254/latest/meta-data/"})

    with pytest.raises(OutboundError) as caught:
        fetch(httpserver.url_for("/go"), max_bytes=1000, deadline=2.0, allowed=LOCAL)

    assert caught.value.failure is Failure.refused


def test_the_allowed_networks_open_an_intranet_and_redirects_within_it(httpserver):
    httpserver.expect_request("/start").respond_with_data("", status=307,
                                                          headers={"Location": "/end"})
    httpserver.expect_request("/end").respond_with_json({"ok": True})

    answer = fetch(httpserver.url_for("/start"), max_bytes=1000, deadline=2.0, allowed=LOCAL)

    assert answer.status == 200 and json.loads(answer.body) == {"ok": True}
    assert answer.url.endswith("/end")
    assert answer.headers["content-type"] == "application/json"


def test_a_refusal_does_not_tell_an_open_port_from_a_closed_one(httpserver):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]  # nothing listens once the probe is closed
    open_error = refused(f"http://127.0.0.1:{httpserver.port}/")
    closed_error = refused(f"http://127.0.0.1:{closed}/")

    assert (open_error.failure, str(open_error), open_error.status) == \
        (closed_error.failure, str(closed_error), closed_error.status)


def test_the_address_is_resolved_once_and_the_checked_one_is_connected(httpserver, monkeypatch):
    """DNS rebinding: the name answers a public address when checked, loopback afterwards."""
    httpserver.expect_request("/x").respond_with_json({"secret": "internal"})
    lookups: list[str] = []
    real = socket.getaddrinfo

    def rebinding(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host != "rebind.test":
            return real(host, port, *args, **kwargs)
        lookups.append(host)
        address = "192.0.2.1" if len(lookups) == 1 else "127.0.0.1"  # TEST-NET-1: never routed
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    monkeypatch.setattr(outbound, "is_public",
                        lambda address: address == ip_address("192.0.2.1"))

    with pytest.raises(OutboundError) as caught:
        fetch(f"http://rebind.test:{httpserver.port}/x", max_bytes=1000, deadline=1.0)

    assert caught.value.failure in (Failure.unreachable, Failure.timeout)
    assert lookups == ["rebind.test"]
    assert httpserver.log == []


@pytest.fixture
def drip_server() -> Iterator[str]:
    """A server that sends its 56-byte answer one byte every 0.3 s (about 17 s in all)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                connection.recv(4096)
                answer = b"HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\n{\"status\":\"ok\"}\n"
                for byte in answer:
                    if stop.wait(0.3):
                        return
                    try:
                        connection.sendall(bytes([byte]))
                    except OSError:
                        break

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/drip"
    stop.set()
    listener.close()
    thread.join(timeout=5)


def test_a_slow_drip_answer_is_cut_at_the_total_deadline(drip_server):
    started = time.monotonic()

    with pytest.raises(OutboundError) as caught:
        fetch(drip_server, max_bytes=1000, deadline=1.0, allowed=LOCAL)

    assert caught.value.failure is Failure.timeout
    assert "within 1 s" in str(caught.value)
    assert time.monotonic() - started < 3.0  # each byte came in time; the whole did not


def test_an_answer_over_the_size_cap_is_refused(httpserver):
    httpserver.expect_request("/big").respond_with_data(b"x" * 5000)

    with pytest.raises(OutboundError) as caught:
        fetch(httpserver.url_for("/big"), max_bytes=4096, deadline=2.0, allowed=LOCAL)

    assert caught.value.failure is Failure.too_large


def test_a_redirect_loop_stops(httpserver):
    httpserver.expect_request("/loop").respond_with_handler(
        lambda request: Response("", status=302, headers={"Location": "/loop"}))

    with pytest.raises(OutboundError) as caught:
        fetch(httpserver.url_for("/loop"), max_bytes=100, deadline=2.0, allowed=LOCAL,
              max_redirects=3)

    assert caught.value.failure is Failure.too_many_redirects and caught.value.status == 302
    assert len(httpserver.log) == 4


def test_the_host_header_names_the_host_not_the_address(httpserver):
    seen: list[str] = []

    def echo(request: Request) -> Response:
        seen.append(request.headers["Host"])
        return Response("ok")

    httpserver.expect_request("/h").respond_with_handler(echo)
    fetch(f"http://localhost:{httpserver.port}/h?a=1", max_bytes=100, deadline=2.0,
          allowed=LOCAL)
    assert seen == [f"localhost:{httpserver.port}"]


def test_source_allowed_networks_parse_strictly():
    assert Settings.from_env({}).source_allowed_networks == ()
    settings = Settings.from_env({"SOURCE_ALLOWED_NETWORKS": "10.0.0.0/8, fd00::/8"})
    assert [str(n) for n in settings.source_allowed_networks] == ["10.0.0.0/8", "fd00::/8"]
    for bad in ("10.0.0.1/8", "intranet", "10.0.0.0/33", "10.0.0.0/8;"):
        with pytest.raises(ConfigError, match="SOURCE_ALLOWED_NETWORKS"):
            Settings.from_env({"SOURCE_ALLOWED_NETWORKS": bad})


def test_an_allowed_network_also_allows_its_ipv6_mapped_spelling():
    allowed = parse_networks("10.0.0.0/8")
    assert outbound.allowed_address(ip_address("::ffff:10.1.2.3"), allowed)
    assert not outbound.allowed_address(ip_address("::ffff:10.1.2.3"))
    assert outbound.allowed_address(ip_address("93.184.215.14"))


@pytest.fixture
def tls_server() -> Iterator[tuple[int, trustme.CA]]:
    """An HTTPS server on loopback with a certificate for "localhost" from a test CA."""
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost").configure_cert(context)

    class Hello(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b'{"tls": true}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], ca
    server.shutdown()
    server.server_close()


def test_tls_is_verified_against_the_host_name_on_the_pinned_address(tls_server):
    port, ca = tls_server
    pem = ca.cert_pem.bytes().decode()
    allowed = parse_networks("127.0.0.1/32")

    answer = fetch(f"https://localhost:{port}/", max_bytes=100, deadline=5.0,
                   allowed=allowed, ca_certs_pem=pem)
    assert json.loads(answer.body) == {"tls": True}

    for url, pem_used in ((f"https://localhost:{port}/", None),  # an unknown CA
                          (f"https://127.0.0.1:{port}/", pem)):  # not the certificate's name
        with pytest.raises(OutboundError) as caught:
            fetch(url, max_bytes=100, deadline=5.0, allowed=allowed, ca_certs_pem=pem_used)
        assert caught.value.failure is Failure.unreachable


def test_a_stalled_name_lookup_counts_against_the_deadline(monkeypatch):
    release = threading.Event()

    def stalled(*args, **kwargs):  # type: ignore[no-untyped-def]
        release.wait(10)
        raise OSError("resolver gave up")

    monkeypatch.setattr(socket, "getaddrinfo", stalled)
    started = time.monotonic()
    try:
        with pytest.raises(OutboundError) as caught:
            fetch("http://stalled-dns.test/", max_bytes=10, deadline=0.3)
    finally:
        release.set()
    assert caught.value.failure is Failure.timeout
    assert time.monotonic() - started < 3


def test_a_post_sends_its_body_and_headers_through_the_same_guard(httpserver):
    httpserver.expect_request("/hook", method="POST", data=b'{"a": 1}',
                              headers={"X-Test": "yes"}).respond_with_data("taken", status=202)

    answer = fetch(httpserver.url_for("/hook"), method="POST", body=b'{"a": 1}',
                   headers={"X-Test": "yes"}, max_bytes=1000, deadline=2.0, allowed=LOCAL)

    assert (answer.status, answer.body) == (202, b"taken")
    assert refused(httpserver.url_for("/hook")).failure is Failure.refused  # still guarded
