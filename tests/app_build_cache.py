"""The suite builds one app per test; two parts of building it repeat identical work every time.

Werkzeug compiles two URL builders per rule with `ast` and `compile()`, and each app's fresh Jinja
environment lexes, parses and compiles every template it renders again. A URL builder depends only on the
rule's parsed parts, defaults and converters, and Jinja keys its bytecode by template name and source
checksum, so the test process builds each once and shares it with every later app.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from flask import Flask
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from werkzeug.routing.rules import Rule

_compile_builder = Rule._compile_builder
_create_jinja_environment = Flask.create_jinja_environment
_builders: dict[Hashable, Callable[..., Any]] = {}


class _ProcessBytecodeCache(BytecodeCache):
    """Template bytecode kept in memory for the life of the test process."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_bytecode = _ProcessBytecodeCache()


def _builder_key(rule: Rule, append_unknown: bool) -> Hashable:
    defaults = rule.defaults or {}
    return (
        rule.rule,
        tuple(rule._trace),
        tuple(sorted((name, repr(value)) for name, value in defaults.items())),
        tuple(sorted((name, type(converter).__qualname__) for name, converter in rule._converters.items())),
        append_unknown,
    )


def _reused_builder(self: Rule, append_unknown: bool = True) -> Callable[..., Any]:
    key = _builder_key(self, append_unknown)
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = _compile_builder(self, append_unknown)
    return builder


def _environment_with_shared_bytecode(self: Flask):
    environment = _create_jinja_environment(self)
    environment.bytecode_cache = _bytecode
    return environment


def install() -> None:
    """Share compiled URL builders and template bytecode across the apps of one test process."""
    Rule._compile_builder = _reused_builder  # type: ignore[method-assign]
    Flask.create_jinja_environment = _environment_with_shared_bytecode  # type: ignore[method-assign]
