"""Fetching a resolution source's document: pooled HTTP GETs with a timeout and a size cap."""

from __future__ import annotations

import threading

import requests
from requests.adapters import HTTPAdapter

MAX_BODY_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
TIMEOUT = (5.0, 10.0)  # connect, read (seconds)


class Fetcher:
    """HTTP GETs with pooled keep-alive connections, one requests.Session per worker thread."""

    def __init__(self, *, timeout: tuple[float, float] = TIMEOUT) -> None:
        self.timeout = timeout
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()

    def _http(self) -> requests.Session:
        http = getattr(self._local, "http", None)
        if http is None:
            http = requests.Session()
            http.max_redirects = MAX_REDIRECTS
            http.mount("http://", HTTPAdapter(pool_connections=4, pool_maxsize=4))
            http.mount("https://", HTTPAdapter(pool_connections=4, pool_maxsize=4))
            http.headers["User-Agent"] = "forecast-tracker resolution check"
            self._local.http = http
            with self._lock:
                self._sessions.append(http)
        return http

    def get(self, url: str) -> tuple[int | None, bytes]:
        """Status and body (at most MAX_BODY_BYTES); raises BadAnswer with the status."""
        try:
            with self._http().get(url, timeout=self.timeout, stream=True) as response:
                if response.status_code >= 400:
                    raise FetchFailed(response.status_code, f"HTTP {response.status_code}")
                body = response.raw.read(MAX_BODY_BYTES + 1, decode_content=True)
                if len(body) > MAX_BODY_BYTES:
                    raise FetchFailed(response.status_code, "The answer is larger than 5 MB.")
                return response.status_code, body
        except requests.TooManyRedirects as error:
            status = error.response.status_code if error.response is not None else None
            raise FetchFailed(status, f"Redirected more than {MAX_REDIRECTS} times.") from None
        except requests.Timeout:
            raise FetchFailed(None, f"No answer within {self.timeout[1]:g} s.") from None
        except requests.RequestException as error:
            raise FetchFailed(None, f"Could not fetch: {type(error).__name__}.") from None

    def close(self) -> None:
        """Close every pooled connection."""
        with self._lock:
            for http in self._sessions:
                http.close()
            self._sessions.clear()


class FetchFailed(Exception):
    """The document could not be fetched; ``status`` is the HTTP status when there was one."""

    def __init__(self, status: int | None, message: str) -> None:
        super().__init__(message)
        self.status = status
