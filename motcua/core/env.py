"""Typed readers of environment variables.

Every setting motcua takes from the environment goes through one of these helpers, so a
misspelt or malformed value stops the process at start-up with a message naming the
variable, instead of surfacing later as odd behaviour. Each variable is documented where it
is read (``motcua/settings.py``) and in the README table.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import time


class EnvError(RuntimeError):
    """A variable is present but cannot be understood."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(
    name: str, default: str, *, environ: Mapping[str, str] | None = None
) -> str:
    source = os.environ if environ is None else environ
    return source.get(name, default)


def env_bool(
    name: str, default: bool, *, environ: Mapping[str, str] | None = None
) -> bool:
    source = os.environ if environ is None else environ
    if name not in source:
        return default
    value = source[name].strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise EnvError(
        f"{name}={source[name]!r}: expected one of {sorted(_TRUE | _FALSE - {''})}"
    )


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """An integer, at least ``minimum`` when one is given."""
    source = os.environ if environ is None else environ
    if name not in source:
        return default
    try:
        value = int(source[name])
    except ValueError:
        raise EnvError(f"{name}={source[name]!r}: expected an integer") from None
    if minimum is not None and value < minimum:
        raise EnvError(f"{name}={source[name]!r}: expected at least {minimum}")
    return value


def env_list(
    name: str, default: list[str], *, environ: Mapping[str, str] | None = None
) -> list[str]:
    """A comma-separated list; blanks are dropped."""
    source = os.environ if environ is None else environ
    if name not in source:
        return list(default)
    return [item.strip() for item in source[name].split(",") if item.strip()]


def env_time(
    name: str, default: str, *, environ: Mapping[str, str] | None = None
) -> time:
    """A clock time written HH:MM."""
    source = os.environ if environ is None else environ
    raw = source.get(name, default)
    try:
        return time.fromisoformat(raw)
    except ValueError:
        raise EnvError(f"{name}={raw!r}: expected a time written HH:MM") from None


_RATE = re.compile(r"^[1-9][0-9]{0,8}/(s|sec|second|m|min|minute|h|hour|d|day)$")


def env_rate(
    name: str, default: str, *, environ: Mapping[str, str] | None = None
) -> str:
    """A request rate as Django REST framework's throttles read it: ``60/minute``."""
    source = os.environ if environ is None else environ
    raw = source.get(name, default).strip()
    if not _RATE.fullmatch(raw):
        raise EnvError(
            f"{name}={raw!r}: expected a count per second, minute, hour or day, "
            "e.g. 60/minute"
        )
    return raw


_HEADER_NAME = re.compile(r"^[A-Za-z0-9-]+$")


def env_header(
    name: str, default: str, *, environ: Mapping[str, str] | None = None
) -> tuple[str, str] | None:
    """A request header and the value that marks it, written ``Name: value``, as Django's
    ``SECURE_PROXY_SSL_HEADER`` wants it (``("HTTP_X_FORWARDED_PROTO", "https")``). Empty:
    ``None``."""
    source = os.environ if environ is None else environ
    raw = source.get(name, default).strip()
    if not raw:
        return None
    header, colon, value = raw.partition(":")
    header, value = header.strip(), value.strip()
    if not colon or not _HEADER_NAME.fullmatch(header) or not value:
        raise EnvError(
            f"{name}={raw!r}: expected a header and its value, "
            "e.g. X-Forwarded-Proto: https"
        )
    return "HTTP_" + header.upper().replace("-", "_"), value
