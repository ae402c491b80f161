"""Text helpers for Vietnamese."""

from __future__ import annotations

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
