"""The Flask app: HTTP in, domain calls, pages or JSON out."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from flask import Flask
from jinja2 import FileSystemBytecodeCache
from werkzeug.middleware.proxy_fix import ProxyFix

from forecasts.clock import Clock, SystemClock
from forecasts.config import Settings
from forecasts.scoring.history import CrowdHistories
from forecasts.scoring.reader import ScoreCache


def create_app(
    config: Settings | Mapping[str, object] | None = None, *, clock: Clock | None = None
) -> Flask:
    """Build the app. ``config`` is a Settings, or overrides applied to the environment's."""
    settings = _settings(config)
    settings.check_secret()
    app = Flask(__name__, instance_path=str(settings.instance_path))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        TESTING=settings.testing,
        WTF_CSRF_ENABLED=settings.csrf_enabled,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        MAX_CONTENT_LENGTH=8 * 1024 * 1024,
        SETTINGS=settings,
    )
    app.extensions["clock"] = clock or SystemClock()
    if settings.trusted_proxies:
        # The client's address and scheme as the proxies saw them; only as many hops as are
        # trusted, so a client cannot claim an address by sending X-Forwarded-For itself.
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n)  # type: ignore[method-assign]

    from web import (
        account,
        admin,
        assets,
        auth,
        briefings,
        cli,
        converters,
        dashboards,
        database,
        discussion,
        errors,
        extensions,
        filters,
        health,
        jobs,
        menus,
        people,
        plotly_css,
        query,
        questions,
        scores,
        security,
        sources,
    )

    converters.init_app(app)  # before any blueprint: rules take their converters when added
    database.init_app(app, settings)
    extensions.init_app(app)
    security.init_app(app, settings)
    assets.init_app(app)
    filters.init_app(app)
    menus.init_app(app)
    errors.init_app(app)
    query.init_app(app)
    cli.init_app(app)
    app.extensions["scores"] = ScoreCache()
    _keep_compiled_templates(app)
    app.extensions["crowd_histories"] = CrowdHistories()  # per process, as the scores
    for module in (auth, questions, people, admin, health, scores, jobs, sources, briefings,
                   dashboards, discussion):
        app.register_blueprint(module.bp)
    for module in (account, plotly_css):
        app.register_blueprint(module.bp)
    from web import api, exports, tokens

    app.register_blueprint(api.bp)
    app.register_blueprint(tokens.bp)
    app.register_blueprint(exports.bp)
    from web import webhooks

    app.register_blueprint(webhooks.bp)
    return app


def _keep_compiled_templates(app: Flask) -> None:
    """Compiled templates kept in the instance folder (Jinja's bytecode cache): a worker that
    starts after another has compiled a template loads it instead of compiling it again (a
    template's checksum is its key, so an edited template is compiled afresh)."""
    folder = Path(app.instance_path) / "jinja-bytecode"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return  # a read-only instance folder: compile per worker, as without the cache
    app.jinja_env.bytecode_cache = FileSystemBytecodeCache(str(folder))


def _settings(config: Settings | Mapping[str, object] | None) -> Settings:
    if isinstance(config, Settings):
        return config
    settings = Settings.from_env()
    return settings.with_overrides(**dict(config)) if config else settings
