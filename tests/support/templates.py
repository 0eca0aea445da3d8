"""One cache of compiled templates for every app a test process builds.

Each test builds its own app, and each app's Jinja environment compiles every template it renders
from source again (lexing, parsing, generating and compiling Python): about a quarter of a web
test's time. Jinja's bytecode cache is the supported way to skip that work: a template whose
source is unchanged (Jinja checks a checksum of the source) reuses the code object compiled by an
earlier app. Rendering, filters, globals and autoescaping still run in each app, as in production.
"""

from __future__ import annotations

from types import CodeType

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket


class SharedTemplateCode(BytecodeCache):
    """Code objects kept in memory for the life of the process (code objects are immutable)."""

    def __init__(self) -> None:
        self._code: dict[str, tuple[str, CodeType]] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        kept = self._code.get(bucket.key)
        if kept is not None and kept[0] == bucket.checksum:
            bucket.code = kept[1]

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is not None:
            self._code[bucket.key] = (bucket.checksum, bucket.code)

    def clear(self) -> None:
        self._code.clear()


TEMPLATES = SharedTemplateCode()
