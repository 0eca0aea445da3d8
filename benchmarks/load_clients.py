"""Simulated users for benchmarks/http_load.py: asyncio + httpx, one cookie jar per client.

Each client signs in once through the real form (from its own loopback address, 127.0.0.N, as
separate people would: per-address sign-in limits see separate addresses) and then loops
until the deadline: 70 % page views, 25 % forecast submissions (a real form POST with the
CSRF token and a unique rationale marker), 5 % leaderboard. Every request is timed and kept.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx

# (label, share of all requests); the page views add up to 70 %.
MIX: list[tuple[str, float]] = [
    ("GET /questions/<id>", 0.55),
    ("GET /questions", 0.10),
    ("GET /forecasters/<id>", 0.05),
    ("POST /questions/<id>/forecasts", 0.25),
    ("GET /leaderboard", 0.05),
]


def mix(list_share: float = 0.10) -> list[tuple[str, float]]:
    """MIX with the question list at ``list_share``; question pages take up the difference."""
    shares = dict(MIX)
    shares["GET /questions/<id>"] += shares["GET /questions"] - list_share
    shares["GET /questions"] = list_share
    return list(shares.items())
HEALTH = "GET /healthz"
SIGN_IN = "POST /login"
FORECAST = "POST /questions/<id>/forecasts"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
TIMEOUT = httpx.Timeout(60.0)


@dataclass(frozen=True)
class Sample:
    """One request: its route label, monotonic start and end, status (0: no answer), marker."""

    route: str
    start: float
    end: float
    status: int
    error: str = ""
    marker: str = ""
    acknowledged: bool = False


@dataclass
class Client:
    """One simulated forecaster with its own cookie jar and source address."""

    base: str
    number: int
    username: str
    password: str
    forecaster_id: int
    question_ids: list[int]
    marker_prefix: str
    shares: list[tuple[str, float]] = field(default_factory=lambda: list(MIX))
    samples: list[Sample] = field(default_factory=list)
    token: str = ""
    http: httpx.AsyncClient | None = None
    rng: random.Random = field(default_factory=random.Random)
    sequence: int = 0

    def __post_init__(self) -> None:
        self.rng.seed(self.number)
        address = f"127.0.{1 + (self.number + 1) // 250}.{2 + (self.number + 1) % 250}"
        self.http = httpx.AsyncClient(
            base_url=self.base, timeout=TIMEOUT, follow_redirects=False,
            transport=httpx.AsyncHTTPTransport(local_address=address))

    async def close(self) -> None:
        assert self.http is not None
        await self.http.aclose()

    async def _timed(self, route: str, send: Callable[[], Awaitable[httpx.Response]],
                     marker: str = "",
                     acknowledged: Callable[[httpx.Response], bool] | None = None,
                     ) -> httpx.Response | None:
        """Send, time and keep the request; None when no answer came."""
        start = time.monotonic()
        try:
            response = await send()
        except httpx.HTTPError as error:
            self.samples.append(Sample(route, start, time.monotonic(), 0,
                                       type(error).__name__, marker))
            return None
        ok = acknowledged(response) if acknowledged else False
        self.samples.append(Sample(route, start, time.monotonic(), response.status_code,
                                   marker=marker, acknowledged=ok))
        return response

    async def sign_in(self) -> None:
        """Through the real form; then take the CSRF token from a page with a form."""
        assert self.http is not None
        page = await self.http.get("/login")
        response = await self._timed(SIGN_IN, lambda: self.http.post(  # type: ignore[union-attr]
            "/login", data={"username": self.username, "password": self.password,
                            "csrf_token": _token(page.text)}))
        if response is None or response.status_code not in (302, 303):
            status = response.status_code if response is not None else "no answer"
            raise RuntimeError(f"{self.username} could not sign in ({status})")
        page = await self.http.get(f"/questions/{self.question_ids[0]}")
        self.token = _token(page.text)

    async def health(self, until: float) -> None:
        assert self.http is not None
        while time.monotonic() < until:
            await self._timed(HEALTH, lambda: self.http.get("/healthz"))  # type: ignore[union-attr]

    async def work(self, until: float) -> None:
        """Requests back to back until the deadline, in the client's shares."""
        labels, weights = zip(*self.shares, strict=True)
        while time.monotonic() < until:
            await self._one(self.rng.choices(labels, weights)[0])

    async def _one(self, label: str) -> None:
        http = self.http
        assert http is not None
        question = self.rng.choice(self.question_ids)
        if label == "GET /questions/<id>":
            await self._timed(label, lambda: http.get(f"/questions/{question}"))
        elif label == "GET /questions":
            await self._timed(label, lambda: http.get("/questions"))
        elif label == "GET /forecasters/<id>":
            await self._timed(label, lambda: http.get(f"/forecasters/{self.forecaster_id}"))
        elif label == "GET /leaderboard":
            await self._timed(label, lambda: http.get("/leaderboard"))
        else:
            await self._forecast(question)

    async def _forecast(self, question: int) -> None:
        http = self.http
        assert http is not None
        self.sequence += 1
        marker = f"{self.marker_prefix}{self.number}-{self.sequence}"
        data = {"csrf_token": self.token, "probability": str(self.rng.randint(1, 99)),
                "rationale": marker}
        target = f"/questions/{question}"

        def saved(response: httpx.Response) -> bool:
            # The view redirects to the question only after the forecast is committed.
            return response.status_code in (302, 303) and \
                response.headers.get("location", "").endswith(target)

        await self._timed(FORECAST, lambda: http.post(f"{target}/forecasts", data=data),
                          marker, saved)


def _token(page: str) -> str:
    match = TOKEN.search(page)
    if match is None:
        raise RuntimeError("no CSRF token on the page")
    return next(group for group in match.groups() if group)


async def run_clients(clients: list[Client],
                      phase: Callable[[Client], Awaitable[None]]) -> None:
    """Run one coroutine per client to completion."""
    await asyncio.gather(*(phase(client) for client in clients))
