"""How long each free text of a dossier may be, and how many items its lists may hold.

Every free text a person types into a dossier ends up in the legal history and on a
printed slip (receipt, Mẫu 01; request to complete, Mẫu 02; refusal, Mẫu 03; apology,
Mẫu 04). Unbounded, a 1 MB refusal reason was accepted and its slip took 15 s to render.
The bounds are what a paper form of the one-stop counter holds, never less than what the
database column already allows for the same thing, so nothing valid is refused:

- a name (the applicant, a receiver) fits a 255-character column; Vietnamese
  organisations' registered names stay well inside it;
- an address: 500, the column of ``Dossier.applicant_address``;
- a note, reasons for a refusal or a stop, the reason of an apology: 2,000 characters,
  about a page of a slip in 13-point type, more than any reasons written on Mẫu 03 or 04;
- an item the applicant must add (Mẫu 02) or a paper handed in: 1,000, the column of the
  procedure's own component names (``RequiredComponent.name``), which they repeat;
- a result document's name: 500, the column of ``DossierResult.name``; the link to an
  electronic result (``DuongDanTepTinKetQua``): 1,000, the column of ``file_url``; the code
  of the national database a paper's data came from (``MaCSDL``): 50;
- lists: at most 100 papers in one dossier (the longest procedures of the catalogue list
  about 30), 50 missing items, 20 result documents.

The API's serializers read these constants (and so does docs/openapi.yaml, generated from
them); services and commands that take text from elsewhere call ``check_text`` and
``check_texts``, which raise the same ``InvalidInput`` codes as a refusal: ``text_too_long``,
``too_many_items``, ``control_character`` (``motcua.core.text.CONTROL_CHARACTERS``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.text import CONTROL_CHARACTERS, first_control_character
from motcua.dossiers.errors import ErrorCode, InvalidInput

NAME_MAX_LENGTH = 255
ADDRESS_MAX_LENGTH = 500
NOTE_MAX_LENGTH = 2000
REASONS_MAX_LENGTH = 2000
PAPER_NAME_MAX_LENGTH = 1000
MISSING_ITEM_MAX_LENGTH = 1000
RESULT_NAME_MAX_LENGTH = 500
#: ``MaCSDL``, the code of a national database: the column of
#: ``DossierComponent.source_database``
SOURCE_DATABASE_MAX_LENGTH = 50
#: ``DuongDanTepTinKetQua``, where another system keeps an electronic result: the column
#: of ``DossierResult.file_url``
RESULT_FILE_URL_MAX_LENGTH = 1000

MAX_PAPERS = 100
MAX_MISSING_ITEMS = 50
MAX_RESULTS = 20


def check_text(value: str, *, field: str, max_length: int) -> str:
    """``value`` if it is at most ``max_length`` characters long and holds no control
    character; otherwise ``InvalidInput`` naming ``field`` (``text_too_long``,
    ``control_character``)."""
    if len(value) > max_length:
        raise InvalidInput(
            ErrorCode.TEXT_TOO_LONG,
            _(
                "%(field)s is %(length)s characters long; at most %(limit)s are accepted."
            )
            % {"field": field, "length": len(value), "limit": max_length},
            details={"field": field, "length": len(value), "max_length": max_length},
        )
    position = first_control_character(value)
    if position is not None:
        character = f"U+{ord(value[position]):04X}"
        raise InvalidInput(
            ErrorCode.CONTROL_CHARACTER,
            _("%(field)s holds a control character (%(character)s).")
            % {"field": field, "character": character},
            details={"field": field, "position": position, "character": character},
        )
    return value


def check_texts(
    values: Sequence[str], *, field: str, max_items: int, max_length: int
) -> Sequence[str]:
    """``check_text`` on each of ``values``, at most ``max_items`` of them
    (``too_many_items``); an item is named ``field[index]``."""
    if len(values) > max_items:
        raise InvalidInput(
            ErrorCode.TOO_MANY_ITEMS,
            _("%(field)s lists %(count)s items; at most %(limit)s are accepted.")
            % {"field": field, "count": len(values), "limit": max_items},
            details={"field": field, "count": len(values), "max_items": max_items},
        )
    for index, value in enumerate(values):
        check_text(value, field=f"{field}[{index}]", max_length=max_length)
    return values


@deconstructible
class PlainTextValidator(RegexValidator):
    """For forms and serializers: refuses a control character with the code
    ``control_character``. A ``RegexValidator`` so that the OpenAPI schema carries the
    rule as the field's ``pattern``; ``required`` adds that the text is not blank."""

    message = gettext_lazy("The text holds a control character.")
    code = "control_character"

    def __init__(self, *, required: bool = False, **kwargs: Any) -> None:
        nonblank = r"(?=[\s\S]*\S)" if required else ""
        super().__init__(regex=f"^{nonblank}[^{CONTROL_CHARACTERS}]*$", **kwargs)

    def __call__(self, value: Any) -> None:
        if first_control_character(str(value)) is not None:
            raise ValidationError(self.message, code=self.code)
