"""A signed-in test client of the real app, for the benchmarks that time pages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from forecasts.config import Settings

_TOKEN = (re.compile(r'name="csrf_token"[^>]*value="([^"]+)"'),
          re.compile(r'value="([^"]+)"[^>]*name="csrf_token"'))


def signed_in_client(url: str, folder: str | Path, username: str,
                     password: str) -> tuple[Any, Any]:
    """(app, test client) of the app on database `url`, instance folder `folder`, signed in
    through the real form as `username`. Raises AssertionError when the sign-in is refused."""
    from web import create_app

    app = create_app(Settings(database_url=url, instance_path=Path(folder), secret_key="bench",
                              testing=True))
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = next(found for pattern in _TOKEN if (found := pattern.search(page)))
    response = client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": token.group(1)})
    assert response.status_code == 302, "benchmark sign-in failed"
    return app, client
