"""Text helpers for Vietnamese."""

from __future__ import annotations

import re
import unicodedata

# Đ/đ is a letter of its own, not D with a combining mark, so NFD leaves it alone.
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics, for accent-insensitive search.

    ``fold("Đăng ký khai sinh") == "dang ky khai sinh"``: a citizen typing without accents
    finds what was written with them. Stored beside searchable names so that one plain
    ``icontains`` serves SQLite and PostgreSQL alike (docs/decisions/0003).
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


#: Characters no one types into a form and that change what a printed or displayed text
#: shows: the C0 controls but tab, line feed and carriage return (NUL, BEL, ESC...), DEL,
#: the C1 controls U+0080-U+009F, and the bidirectional embeddings, overrides and isolates
#: (U+202A-U+202E, U+2066-U+2069) that make a name read backwards on a slip ("Trojan
#: Source", CVE-2021-42574). Written so that Python and ECMAScript (OpenAPI's ``pattern``)
#: read it alike.
CONTROL_CHARACTERS = (
    "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069"
)
_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")


def first_control_character(text: str) -> int | None:
    """The position of the first character of ``CONTROL_CHARACTERS`` in ``text``, if any."""
    found = _CONTROL.search(text)
    return None if found is None else found.start()
