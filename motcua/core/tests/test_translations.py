"""Vietnamese first: every message of the Vietnamese catalogue is translated and compiled."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "vi" / "LC_MESSAGES"
_ENTRY = re.compile(
    r'^(?:msgctxt ((?:".*"\n)+))?msgid ((?:".*"\n)+)(?:msgid_plural (?:".*"\n)+)?msgstr(?:\[0\])? ((?:".*"\n?)+)',
    re.M,
)


def _join(quoted: str) -> str:
    return (
        "".join(re.findall(r'"(.*)"', quoted))
        .encode()
        .decode("unicode_escape")
        .encode("latin-1")
        .decode()
    )


def _po_entries() -> dict[str, str]:
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in text, "fuzzy translations are not shown to users"
    # a message with a context is keyed as gettext keys it: "context\x04message"
    return {
        (f"{_join(m.group(1))}\x04" if m.group(1) else "") + _join(m.group(2)): _join(
            m.group(3)
        )
        for m in _ENTRY.finditer(text)
        if _join(m.group(2))
    }


def test_every_message_has_a_vietnamese_translation():
    untranslated = [msgid for msgid, msgstr in _po_entries().items() if not msgstr]
    assert untranslated == []


def test_the_compiled_catalogue_matches_the_source():
    with (LOCALE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    stale = [
        msgid
        for msgid, msgstr in _po_entries().items()
        if "%(count)" not in msgid and catalogue.gettext(msgid) != msgstr
    ]
    assert stale == [], "run `make messages` (msgfmt) after editing django.po"


@pytest.mark.parametrize(
    ("english", "vietnamese"),
    [
        ("Search", "Tìm kiếm"),
        ("working days", "ngày làm việc"),
        ("Procedure catalogue", "Danh mục thủ tục hành chính"),
    ],
)
def test_django_serves_the_vietnamese_messages(english, vietnamese):
    with translation.override("vi"):
        assert translation.gettext(english) == vietnamese
