"""The one guarded client for every request the service makes to an address someone else gave.

A manager's source URL (and later a webhook) must not reach the service's own network: only
http and https are allowed, the host is resolved and every address it resolves to must be a
public one (not loopback, private, link-local, shared, reserved, multicast or unspecified,
including such an address inside an IPv6 mapping, 6to4 or Teredo address), unless it lies in
one of the explicitly allowed networks (``SOURCE_ALLOWED_NETWORKS``). Resolution goes through
the system resolver, so every spelling of an address (``2130706433``, ``0177.0.0.1``,
``[::ffff:127.0.0.1]``) is judged by the address it means.

The check is made on every redirect hop, and the connection is opened to the very address
that was checked (the name is never resolved a second time), so DNS rebinding cannot slip a
private address in between. TLS still verifies the certificate against the host name.

Every fetch has a total deadline (connect, headers and all reads together): a watchdog shuts
the socket when it passes, so a server sending one byte every few seconds cannot hold a
worker. Bodies are capped at ``max_bytes``.

No well-kept library does this for a synchronous client: ``advocate`` (requests) is
unmaintained since 2020 and ``httpx-secure`` only guards async httpx clients; so this builds on
urllib3's connection classes, which take the address to connect to and the TLS server name
separately.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from enum import StrEnum
from http.client import HTTPException
from urllib.parse import urljoin, urlsplit

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import HTTPError as Urllib3Error

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})
USER_AGENT = "forecast-tracker (automatic resolution check)"
CHUNK = 64 * 1024
# Lookups run here so each waits at most what is left of its deadline (getaddrinfo itself
# cannot be interrupted; a stalled one finishes in the background when the resolver gives up).
_RESOLVER = ThreadPoolExecutor(max_workers=16, thread_name_prefix="resolve")


class Failure(StrEnum):
    """Why a fetch failed; what a caller records, so the reasons stay few and stable."""

    bad_url = "bad_url"  # not http(s), no host, or a host that does not resolve
    refused = "refused"  # the address is not a public one and not allowed
    unreachable = "unreachable"  # no connection, or the connection broke
    timeout = "timeout"  # the total deadline passed
    too_large = "too_large"  # the body is larger than max_bytes
    too_many_redirects = "too_many_redirects"


class OutboundError(Exception):
    """A fetch that did not produce an answer; ``failure`` says which kind, the text says why.

    The text never depends on what listens at a refused address, so it cannot be used to
    scan the service's own network.
    """

    def __init__(self, failure: Failure, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.failure = failure
        self.status = status


@dataclass(frozen=True)
class Response:
    """An answer: HTTP status, headers (names lower-cased), body bytes, and the URL it came from."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str


def parse_networks(raw: str) -> tuple[IPNetwork, ...]:
    """Parse a comma- or space-separated CIDR list such as ``10.0.0.0/8, fd00::/8``.

    Raises ValueError naming the first entry that is not a network (host bits set count as
    a mistake: ``10.0.0.1/8`` is refused rather than silently widened).
    """
    networks = []
    for part in raw.replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(part, strict=True))
        except ValueError as error:
            raise ValueError(f"{part!r} is not a network in CIDR form ({error})") from None
    return tuple(networks)


def is_public(address: IPAddress) -> bool:
    """True when ``address`` is globally routable unicast, looking inside IPv6 embeddings."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (
            address.teredo[1] if address.teredo else None)
        if embedded is not None and not is_public(embedded):
            return False
    return address.is_global and not address.is_multicast


def allowed_address(address: IPAddress, allowed: Iterable[IPNetwork] = ()) -> bool:
    """Public addresses, and any address inside one of the ``allowed`` networks."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # so 10.0.0.0/8 also allows ::ffff:10.0.0.1
    return is_public(address) or any(address in network for network in allowed
                                     if network.version == address.version)


@dataclass(frozen=True)
class Target:
    """Where one request goes: scheme, the host name as given, port, path, checked addresses."""

    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


def resolve(url: str, allowed: Iterable[IPNetwork] = (), *, within: float = 10.0) -> Target:
    """Check ``url`` and its addresses; raises OutboundError (bad_url, refused, timeout).

    The lookup gets ``within`` seconds: a resolver that stalls cannot outlast a deadline.

    Every address the host resolves to must be allowed: a name with one private address
    among public ones is refused, since which one a client uses is not ours to decide.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise OutboundError(Failure.bad_url, "The address is not a valid URL.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OutboundError(Failure.bad_url, "Only http:// and https:// addresses are fetched.")
    host = parts.hostname
    port = port or (443 if parts.scheme == "https" else 80)
    lookup = _RESOLVER.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        infos = lookup.result(timeout=max(within, 0.0))
    except FutureTimeout:
        raise OutboundError(Failure.timeout, f"The host {host} did not resolve in time.") from None
    except (OSError, UnicodeError):
        raise OutboundError(Failure.bad_url, f"The host {host} does not resolve.") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    networks = tuple(allowed)
    if not addresses or not all(allowed_address(a, networks) for a in addresses):
        raise OutboundError(Failure.refused, f"Refused: {host} is not a public address "
                                             "(see SOURCE_ALLOWED_NETWORKS).")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    unique = tuple(dict.fromkeys(str(address) for address in addresses))
    return Target(parts.scheme, host, port, path, unique)


def check_url(url: str, allowed: Iterable[IPNetwork] = ()) -> None:
    """Raise OutboundError unless ``url`` may be fetched now (for checking a form)."""
    resolve(url, allowed)


def fetch(
    url: str,
    *,
    max_bytes: int,
    deadline: float,
    allowed: Iterable[IPNetwork] = (),
    max_redirects: int = MAX_REDIRECTS,
    headers: Mapping[str, str] | None = None,
    ca_certs_pem: str | None = None,
    method: str = "GET",
    body: bytes | None = None,
) -> Response:
    """GET ``url`` (or send ``method`` with ``body``: a webhook's POST), following at most
    ``max_redirects`` redirects, each hop checked again (a redirect resends the same request).

    ``deadline`` is the total time in seconds for every hop's connect and reads together;
    ``max_bytes`` caps the (decoded) body. An HTTP error status is an answer, not a failure.
    TLS certificates are verified against the host name, with the system's CAs or, when
    given, only those in ``ca_certs_pem`` (an intranet's own CA). Raises OutboundError with
    its Failure kind.
    """
    networks = tuple(allowed)
    ends_at = time.monotonic() + deadline
    for _hop in range(max_redirects + 1):
        target = resolve(url, networks, within=ends_at - time.monotonic())
        response = _send(target, max_bytes=max_bytes, ends_at=ends_at, deadline=deadline,
                         headers=headers or {}, ca_certs_pem=ca_certs_pem, method=method,
                         body=body)
        location = response.headers.get("location")
        if response.status not in REDIRECTS or not location:
            return Response(response.status, response.headers, response.body, url)
        url = urljoin(url, location)
    raise OutboundError(Failure.too_many_redirects,
                        f"Redirected more than {max_redirects} times.", status=response.status)


def _send(
    target: Target, *, max_bytes: int, ends_at: float, deadline: float,
    headers: Mapping[str, str], ca_certs_pem: str | None, method: str, body: bytes | None,
) -> Response:
    connection = _connect(target, ends_at=ends_at, deadline=deadline, ca_certs_pem=ca_certs_pem)
    expired = threading.Event()

    def cut() -> None:  # the watchdog: a blocked read returns as soon as the socket is shut
        expired.set()
        sock = getattr(connection, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):  # already closed
                sock.shutdown(socket.SHUT_RDWR)

    watchdog = threading.Timer(max(ends_at - time.monotonic(), 0.0), cut)
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.request(method, target.path, body=body, headers={
            "Host": _host_header(target), "User-Agent": USER_AGENT, "Accept-Encoding": "gzip",
            **headers,
        }, preload_content=False)
        answer = connection.getresponse()
        body = _read(answer, max_bytes)
        if expired.is_set():
            raise OSError("deadline")
        return Response(answer.status, {k.lower(): v for k, v in answer.headers.items()},
                        body, "")
    except OutboundError:
        raise
    except (OSError, Urllib3Error, HTTPException, ValueError) as error:
        if expired.is_set() or isinstance(error, TimeoutError | urllib3.exceptions.TimeoutError):
            raise OutboundError(Failure.timeout,
                                f"No complete answer within {deadline:g} s.") from None
        raise OutboundError(Failure.unreachable,
                            "Could not fetch: the connection failed.") from None
    finally:
        watchdog.cancel()
        connection.close()


def _connect(
    target: Target, *, ends_at: float, deadline: float, ca_certs_pem: str | None
) -> HTTPConnection:
    """A connection to the first of the checked addresses that answers, within the deadline."""
    failure: OutboundError | None = None
    for address in target.addresses:
        remaining = ends_at - time.monotonic()
        if remaining <= 0:
            break
        connection: HTTPConnection
        if target.scheme == "https":
            # The checked address; SNI and the certificate check use the host name.
            connection = HTTPSConnection(address, target.port, timeout=remaining,
                                         server_hostname=target.host,
                                         ca_cert_data=ca_certs_pem)
        else:
            connection = HTTPConnection(address, target.port, timeout=remaining)
        try:
            connection.connect()
            return connection
        except (OSError, Urllib3Error, ValueError) as error:
            connection.close()
            timed_out = isinstance(error, TimeoutError | urllib3.exceptions.TimeoutError)
            failure = OutboundError(
                Failure.timeout if timed_out else Failure.unreachable,
                f"No complete answer within {deadline:g} s." if timed_out
                else "Could not fetch: the connection failed.")
    raise failure or OutboundError(Failure.timeout, f"No complete answer within {deadline:g} s.")


def _host_header(target: Target) -> str:
    host = f"[{target.host}]" if ":" in target.host else target.host
    default = 443 if target.scheme == "https" else 80
    return host if target.port == default else f"{host}:{target.port}"


def _read(answer: urllib3.BaseHTTPResponse, max_bytes: int) -> bytes:
    chunks, size = [], 0
    for chunk in answer.stream(CHUNK, decode_content=True):
        size += len(chunk)
        if size > max_bytes:
            raise OutboundError(Failure.too_large,
                                f"The answer is larger than {max_bytes // 1024:,} KiB.",
                                status=answer.status)
        chunks.append(chunk)
    return b"".join(chunks)
