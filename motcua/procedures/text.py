"""Control characters are not catalogue text.

A name, a note or a step of the catalogue is printed on receipts and slips and shown on the
portal; an escape (ESC), a bell, a NUL (which PostgreSQL cannot even store) or a
bidirectional override (U+202E turns "fdp.exe" into what reads "exe.pdf") is never meant
and can mislead a reader. Refused: the C0 controls except tab and line feed, DEL, the C1
controls, and the bidirectional embedding, override and isolate controls U+202A–U+202E,
U+2066–U+2069 (Unicode Standard Annex #9).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CONTROL_CHARACTERS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
)


def control_character_problem(text: str) -> str | None:
    """What is wrong with ``text`` if it holds a control character, else ``None``."""
    found = CONTROL_CHARACTERS.search(text)
    if found is None:
        return None
    return _(
        "Control character U+%(code)04X at position %(position)s is not allowed in text."
    ) % {"code": ord(found.group()), "position": found.start() + 1}


def refuse_control_characters(value: object) -> None:
    """Validator of the catalogue's text fields (:data:`CONTROL_CHARACTERS`)."""
    if isinstance(value, str):
        problem = control_character_problem(value)
        if problem is not None:
            raise ValidationError(problem, code="control_character")
