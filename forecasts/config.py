"""Settings read from the environment by pydantic-settings, built when an app or job starts.

Every value is parsed strictly: a typo fails at start-up with a one-line ``ConfigError`` naming
the variable ("SESSION_COOKIE_SECURE must be true or false, not 'maybe'") rather than meaning a
default. The app, the CLI, the scheduler and gunicorn turn that error into exit status 2.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    AliasChoices,
    BeforeValidator,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from forecasts.email_addresses import AddressRefused, sender_address

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """A setting in the environment cannot be parsed."""


# Signs sessions only where FORECASTS_ENV=development (or in tests); anything else refuses it,
# because anyone can read it here and forge a session cookie with it.
DEV_SECRET_KEY = "dev-only-secret-change-me"
TRUE_WORDS, FALSE_WORDS = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}
# Set by the code that builds the app or a test, never by the environment: TESTING=1 in a
# production environment must not switch off the secret check.
NOT_FROM_ENVIRONMENT = frozenset({"testing", "csrf_enabled"})
# Variables whose name is not the field's name in capitals.
VARIABLE_NAMES = {"environment": "FORECASTS_ENV"}
# Never repeated in an error message (a database URL may carry its password).
SECRETS = frozenset({"secret_key", "mail_password", "database_url"})
DATABASE_BACKENDS = ("sqlite", "postgresql")  # the engines the tests run on


def parse_bool(raw: object) -> object:
    """Accept only true/false style words, so a typo fails loudly instead of meaning False."""
    if not isinstance(raw, str):
        return raw
    lowered = raw.strip().lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    raise ValueError("must be true or false")


def parse_whole(raw: object) -> object:
    """A whole number in ASCII digits (``int`` would also take "٣" and "1_000")."""
    if not isinstance(raw, str):
        return raw
    if not re.fullmatch(r"[0-9]+", raw.strip()):
        raise ValueError("must be a whole number")
    if len(raw.strip()) > 18:  # every bound here is far smaller; keeps int() off huge inputs
        raise ValueError("is far too large")
    return int(raw.strip())


def _word(raw: object) -> object:
    return raw.strip().lower() if isinstance(raw, str) else raw


def _networks(raw: object) -> object:
    """A comma-separated CIDR list (``10.0.0.0/8, fd00::/8``); empty means none."""
    if not isinstance(raw, str):
        return raw
    from forecasts.outbound import parse_networks  # the one parser, next to where it is used

    try:
        return parse_networks(raw)
    except ValueError as error:
        raise ValueError(f"must be a comma-separated list of networks: {error}") from None


def _rate(raw: str) -> str:
    from limits import parse  # a pure library: the notation Flask-Limiter reads

    try:
        parse(raw)
    except ValueError:
        raise ValueError("must be a rate like '10 per 15 minutes'") from None
    return raw.strip()


def _storage_uri(raw: str) -> str:
    if "://" not in raw:
        raise ValueError("must be a URI like memory:// or redis://host:6379")
    return raw.strip()


def _public_url(raw: str) -> str:
    url = raw.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://")
    return url


def _sender(raw: str) -> str:
    try:
        return sender_address(raw)
    except AddressRefused as error:
        raise ValueError(f"must be an email address ({error})") from None


def normalise_database_url(url: str) -> str:
    """Point plain ``postgresql://`` URLs at psycopg 3, the driver we install."""
    url = url.strip()
    if not url:
        raise ConfigError("DATABASE_URL is set but empty")
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _database_url(raw: str) -> str:
    try:
        url = normalise_database_url(raw)
    except ConfigError:
        raise ValueError("is set but empty") from None
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        raise ValueError("must be a URL like sqlite:///path or postgresql://host/name") from None
    if backend not in DATABASE_BACKENDS:
        # Refused here, so the app, gunicorn and the scheduler all stop at start-up with one line
        # instead of failing later on a missing driver or an untested dialect.
        raise ValueError(f"must be a sqlite:// or postgresql:// URL, not a {backend} one")
    return url


Flag = Annotated[bool, BeforeValidator(parse_bool)]
Whole = Annotated[int, BeforeValidator(parse_whole)]
Rate = Annotated[str, AfterValidator(_rate)]
Networks = Annotated[tuple[IPv4Network | IPv6Network, ...], NoDecode, BeforeValidator(_networks)]


class StrictSettings(BaseSettings):
    """Settings parsed strictly: ``Cls(...)`` takes values as given (tests), ``Cls.from_env()``
    reads the environment; both raise ``ConfigError`` with one sentence per bad variable.
    """

    model_config = SettingsConfigDict(frozen=True, extra="forbid", case_sensitive=False,
                                      env_ignore_empty=False, validate_default=False)

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as error:
            raise ConfigError(_explain(error)) from None

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Only the values given; ``from_env`` reads the environment explicitly."""
        return (init_settings,)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        """Read settings from ``environ`` (the process environment by default)."""
        return cls(**Environment(cls, environ)())


class ServerSettings(StrictSettings):
    """gunicorn's bind address, worker count and worker timeout (read by gunicorn.conf.py)."""

    host: Annotated[str, AfterValidator(str.strip)] = "127.0.0.1"
    port: Annotated[Whole, Field(ge=1, le=65535)] = 8000
    web_concurrency: Annotated[Whole, Field(ge=1, le=64)] = 2
    gunicorn_timeout: Annotated[Whole, Field(ge=1, le=3600)] = 30  # seconds

    @property
    def bind(self) -> str:
        """gunicorn's ``bind``: ``host:port`` (an IPv6 host in brackets)."""
        host = f"[{self.host}]" if ":" in self.host and not self.host.startswith("[") else self.host
        return f"{host}:{self.port}"


class Settings(StrictSettings):
    """Everything the service can be configured with; see the README's Configuration table.

    ``Settings(...)`` takes values as given (tests); ``Settings.from_env()`` reads the
    environment. Both parse every value by the same rules and raise ``ConfigError``.
    """


    database_url: Annotated[str, AfterValidator(_database_url)] = ""
    secret_key: str = Field(DEV_SECRET_KEY, repr=False)
    environment: Annotated[Literal["production", "development"],
                           BeforeValidator(_word)] = Field(
        "production", validation_alias=AliasChoices("forecasts_env", "environment"))
    instance_path: Path = PROJECT_ROOT / "instance"
    sqlite_busy_timeout_ms: Annotated[Whole, Field(ge=0)] = 5000
    stale_after_days: Annotated[Whole, Field(ge=1)] = 14
    session_cookie_secure: Flag = False
    testing: bool = False
    csrf_enabled: bool = True
    # Email (scheduler digests and reminders); the console backend only logs the messages.
    mail_backend: Annotated[Literal["console", "smtp"], BeforeValidator(_word)] = "console"
    mail_server: Annotated[str, AfterValidator(str.strip)] = "localhost"
    mail_port: Annotated[Whole, Field(ge=1, le=65535)] = 25
    mail_username: Annotated[str, AfterValidator(str.strip)] = ""
    mail_password: str = Field("", repr=False)
    mail_use_tls: Flag = False
    # Only the console backend should send from this default; set MAIL_FROM with SMTP.
    mail_from: Annotated[str, AfterValidator(_sender)] = "forecasts@localhost"
    # Networks outbound fetches may reach although they are not public (an on-premises intranet).
    source_allowed_networks: Networks = ()
    # Sign-in rate limits (failed attempts; `limits` notation) and where they are counted.
    login_limit_per_account: Rate = "10 per 15 minutes"
    login_limit_per_address: Rate = "50 per 15 minutes"
    ratelimit_storage_uri: Annotated[str, AfterValidator(_storage_uri)] = "memory://"
    api_rate_limit: Rate = "300 per minute"  # per API token
    # Where the service is reached; password-reset links are built from it, never from the
    # request's Host header (which an attacker chooses).
    public_url: Annotated[str, AfterValidator(_public_url)] = "http://127.0.0.1:8000"
    trusted_proxies: Annotated[Whole, Field(ge=0)] = 0

    @field_validator("instance_path", mode="after")
    @classmethod
    def _absolute(cls, path: Path) -> Path:
        # Flask requires an absolute instance path; `make run` passes the relative "instance".
        return path.resolve()

    @model_validator(mode="before")
    @classmethod
    def _default_database(cls, values: Any) -> Any:
        """No DATABASE_URL: a SQLite file in the instance folder."""
        if isinstance(values, dict) and "database_url" not in values:
            folder = Path(values.get("instance_path", PROJECT_ROOT / "instance")).resolve()
            values = {**values, "database_url": f"sqlite:///{folder / 'forecasts.db'}"}
        return values

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

    def with_overrides(self, **changes: object) -> Settings:
        """A copy with some settings changed, parsed like the rest (tests use this)."""
        return type(self)(**{**self.model_dump(exclude_unset=True), **changes})


class Environment(EnvSettingsSource):
    """Environment variables (or a given mapping, in tests), one per setting, names in capitals.

    Every value arrives as text and is parsed by the field's own validator; none is decoded as
    JSON.
    """

    def __init__(self, settings_cls: type[BaseSettings],
                 environ: Mapping[str, str] | None = None) -> None:
        self._environ = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        if self._environ is None:
            return super()._load_env_vars()
        # names compared in lower case, as the settings are case-insensitive
        return {name.lower(): value for name, value in self._environ.items()}

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        if field_name in NOT_FROM_ENVIRONMENT:
            return None, field_name, False
        if field_name in VARIABLE_NAMES:  # only its own variable (ENVIRONMENT sets nothing)
            return self.env_vars.get(VARIABLE_NAMES[field_name].lower()), field_name, False
        return super().get_field_value(field, field_name)


def variable_name(field: str) -> str:
    """The environment variable that sets ``field`` (``environment`` → ``FORECASTS_ENV``)."""
    if field == "forecasts_env":
        return "FORECASTS_ENV"
    return VARIABLE_NAMES.get(field, field.upper())


def _explain(error: ValidationError) -> str:
    """pydantic's errors as one sentence per variable ("MAIL_PORT must be at most 65535, …")."""
    return "; ".join(_sentence(detail) for detail in error.errors())


def _sentence(detail: ErrorDetails) -> str:
    name = variable_name(str(detail["loc"][0])) if detail["loc"] else "A setting"
    context = detail.get("ctx") or {}
    kind = detail["type"]
    if kind == "value_error":
        phrase = str(context.get("error", detail["msg"]))
    elif kind == "greater_than_equal":
        phrase = f"must be at least {context['ge']}"
    elif kind == "less_than_equal":
        phrase = f"must be at most {context['le']}"
    elif kind == "literal_error":
        phrase = f"must be {context['expected']}"
    elif kind == "extra_forbidden":
        return f"{name} is not a setting"
    else:
        phrase = detail["msg"][0].lower() + detail["msg"][1:]
    if str(detail["loc"][0] if detail["loc"] else "") in SECRETS:
        return f"{name} {phrase}"
    shown = repr(detail["input"])
    return f"{name} {phrase}, not {shown if len(shown) <= 80 else shown[:77] + '...'}"
