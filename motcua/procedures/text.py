"""Control characters are not catalogue text.

A name, a note or a step of the catalogue is printed on receipts and slips and shown on the
portal; an escape (ESC), a bell, a NUL (which PostgreSQL cannot even store) or a
bidirectional override (U+202E turns "fdp.exe" into what reads "exe.pdf") is never meant
and can mislead a reader. Which characters those are is the one rule of
``motcua.core.text.CONTROL_CHARACTERS``, the same the API applies; tab, line feed and
carriage return are text (a browser's text area and an Excel cell send CRLF).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from motcua.core.text import first_control_character


def control_character_problem(text: str) -> str | None:
    """What is wrong with ``text`` if it holds a control character, else ``None``."""
    position = first_control_character(text)
    if position is None:
        return None
    return _(
        "Control character U+%(code)04X at position %(position)s is not allowed in text."
    ) % {"code": ord(text[position]), "position": position + 1}


def refuse_control_characters(value: object) -> None:
    """Validator of the catalogue's text fields (``core.text.CONTROL_CHARACTERS``)."""
    if isinstance(value, str):
        problem = control_character_problem(value)
        if problem is not None:
            raise ValidationError(problem, code="control_character")
