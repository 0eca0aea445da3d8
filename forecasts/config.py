"""Settings read from the environment through strict parsers, built when an app or job starts."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """A setting in the environment cannot be parsed."""


# Signs sessions only where FORECASTS_ENV=development (or in tests); anything else refuses it,
# because anyone can read it here and forge a session cookie with it.
DEV_SECRET_KEY = "dev-only-secret-change-me"
ENVIRONMENTS = ("production", "development")


def parse_bool(name: str, raw: str) -> bool:
    """Accept only true/false style words, so a typo fails loudly instead of meaning False."""
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def parse_int(name: str, raw: str, *, minimum: int = 0) -> int:
    """Parse a whole number no smaller than ``minimum``."""
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {value}")
    return value


def parse_networks_setting(name: str, raw: str) -> tuple[IPv4Network | IPv6Network, ...]:
    """A comma-separated CIDR list (``10.0.0.0/8, fd00::/8``); empty means none."""
    from forecasts.outbound import parse_networks  # the one parser, next to where it is used

    try:
        return parse_networks(raw)
    except ValueError as error:
        raise ConfigError(f"{name} must be a comma-separated list of networks: {error}") from None


@dataclass(frozen=True)
class Settings:
    """Everything the service can be configured with; see the README's Configuration table."""

    database_url: str = ""
    secret_key: str = DEV_SECRET_KEY
    environment: str = "production"
    instance_path: Path = PROJECT_ROOT / "instance"
    sqlite_busy_timeout_ms: int = 5000
    stale_after_days: int = 14
    session_cookie_secure: bool = False
    testing: bool = False
    csrf_enabled: bool = True
    # Email (scheduler digests and reminders); the console backend only logs the messages.
    mail_backend: str = "console"
    mail_server: str = "localhost"
    mail_port: int = 25
    mail_username: str = ""
    mail_password: str = ""
    mail_use_tls: bool = False
    mail_from: str = "forecasts@localhost"
    # Networks outbound fetches may reach although they are not public (an on-premises intranet).
    source_allowed_networks: tuple[IPv4Network | IPv6Network, ...] = ()
    # Sign-in rate limits (failed attempts; `limits` notation) and where they are counted.
    login_limit_per_account: str = "10 per 15 minutes"
    login_limit_per_address: str = "50 per 15 minutes"
    ratelimit_storage_uri: str = "memory://"
    api_rate_limit: str = "300 per minute"  # per API token
    # Where the service is reached; password-reset links are built from it, never from the
    # request's Host header (which an attacker chooses).
    public_url: str = "http://127.0.0.1:8000"
    trusted_proxies: int = 0
    extra: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.database_url:
            url = f"sqlite:///{Path(self.instance_path) / 'forecasts.db'}"
            object.__setattr__(self, "database_url", url)

    def check_secret(self) -> None:
        """Refuse the development secret outside development and tests; raises ConfigError."""
        if self.testing or self.environment == "development":
            return
        if self.secret_key.strip() in ("", DEV_SECRET_KEY):
            raise ConfigError(
                "SECRET_KEY is not set. It signs sessions; without it anyone could forge one. "
                "Set SECRET_KEY to a long random value (python -c 'import secrets; "
                "print(secrets.token_hex(32))'), or FORECASTS_ENV=development on your own machine."
            )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with some settings changed (tests use this)."""
        return replace(self, **changes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read settings from ``environ`` (the process environment by default)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        if "INSTANCE_PATH" in env:
            # absolute, as Flask requires: `make run` passes the relative default "instance"
            values["instance_path"] = Path(env["INSTANCE_PATH"]).resolve()
        if "DATABASE_URL" in env:
            values["database_url"] = normalise_database_url(env["DATABASE_URL"])
        if "SECRET_KEY" in env:
            values["secret_key"] = env["SECRET_KEY"]
        if "FORECASTS_ENV" in env:
            environment = env["FORECASTS_ENV"].strip().lower()
            if environment not in ENVIRONMENTS:
                raise ConfigError(f"FORECASTS_ENV must be production or development, "
                                  f"not {env['FORECASTS_ENV']!r}")
            values["environment"] = environment
        if "SQLITE_BUSY_TIMEOUT_MS" in env:
            values["sqlite_busy_timeout_ms"] = parse_int(
                "SQLITE_BUSY_TIMEOUT_MS", env["SQLITE_BUSY_TIMEOUT_MS"]
            )
        if "STALE_AFTER_DAYS" in env:
            values["stale_after_days"] = parse_int(
                "STALE_AFTER_DAYS", env["STALE_AFTER_DAYS"], minimum=1
            )
        if "SESSION_COOKIE_SECURE" in env:
            values["session_cookie_secure"] = parse_bool(
                "SESSION_COOKIE_SECURE", env["SESSION_COOKIE_SECURE"]
            )
        values.update(_mail_settings(env))
        if "SOURCE_ALLOWED_NETWORKS" in env:
            values["source_allowed_networks"] = parse_networks_setting(
                "SOURCE_ALLOWED_NETWORKS", env["SOURCE_ALLOWED_NETWORKS"]
            )
        values.update(_sign_in_settings(env))
        return cls(**values)


def _sign_in_settings(env: Mapping[str, str]) -> dict[str, object]:
    """Rate limits, their storage and the public URL, each checked now rather than at sign-in."""
    from limits import parse  # a pure library: the notation Flask-Limiter reads

    values: dict[str, object] = {}
    for name in ("LOGIN_LIMIT_PER_ACCOUNT", "LOGIN_LIMIT_PER_ADDRESS", "API_RATE_LIMIT"):
        if name in env:
            try:
                parse(env[name])
            except ValueError:
                raise ConfigError(f"{name} must be a rate like '10 per 15 minutes', "
                                  f"not {env[name]!r}") from None
            values[name.lower()] = env[name].strip()
    if "RATELIMIT_STORAGE_URI" in env:
        uri = env["RATELIMIT_STORAGE_URI"].strip()
        if "://" not in uri:
            raise ConfigError(f"RATELIMIT_STORAGE_URI must be a URI like memory:// or "
                              f"redis://host:6379, not {uri!r}")
        values["ratelimit_storage_uri"] = uri
    if "TRUSTED_PROXIES" in env:
        values["trusted_proxies"] = parse_int("TRUSTED_PROXIES", env["TRUSTED_PROXIES"])
    if "PUBLIC_URL" in env:
        url = env["PUBLIC_URL"].strip().rstrip("/")
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"PUBLIC_URL must start with http:// or https://, not {url!r}")
        values["public_url"] = url
    return values


MAIL_BACKENDS = ("console", "smtp")


def _mail_settings(env: Mapping[str, str]) -> dict[str, object]:
    """The MAIL_* variables, each parsed strictly."""
    values: dict[str, object] = {}
    if "MAIL_BACKEND" in env:
        backend = env["MAIL_BACKEND"].strip().lower()
        if backend not in MAIL_BACKENDS:
            raise ConfigError(f"MAIL_BACKEND must be console or smtp, not {env['MAIL_BACKEND']!r}")
        values["mail_backend"] = backend
    if "MAIL_PORT" in env:
        port = parse_int("MAIL_PORT", env["MAIL_PORT"], minimum=1)
        if port > 65535:
            raise ConfigError(f"MAIL_PORT must be at most 65535, not {port}")
        values["mail_port"] = port
    if "MAIL_USE_TLS" in env:
        values["mail_use_tls"] = parse_bool("MAIL_USE_TLS", env["MAIL_USE_TLS"])
    for name in ("MAIL_SERVER", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_FROM"):
        if name in env:
            values[name.lower()] = env[name].strip() if name != "MAIL_PASSWORD" else env[name]
    if "MAIL_FROM" in env and "@" not in env["MAIL_FROM"]:
        raise ConfigError(f"MAIL_FROM must be an email address, not {env['MAIL_FROM']!r}")
    return values


def normalise_database_url(url: str) -> str:
    """Point plain ``postgresql://`` URLs at psycopg 3, the driver we install."""
    url = url.strip()
    if not url:
        raise ConfigError("DATABASE_URL is set but empty")
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
