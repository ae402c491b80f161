"""The typed event log: only ``dossiers/events.py`` spells a payload's keys."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from motcua.dossiers import events

PACKAGE = Path(__file__).resolve().parents[2]

#: reading or writing a payload by key: ``x.payload.get("k")``, ``x.payload["k"]``,
#: ``"k" in x.payload``, ``payload={"k": …}``
BY_KEY = re.compile(
    r"""payload\s*(\.get\(|\[)|["'][a-z_]+["']\s+(not\s+)?in\s+[\w.]*payload\b"""
    r"""|payload\s*=\s*\{\s*["']"""
)


def test_no_module_but_events_reads_or_builds_a_payload_by_key():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if "/tests/" in relative or "/migrations/" in relative:
            continue
        if relative == "dossiers/events.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            if BY_KEY.search(line):
                offenders.append(f"{relative}:{number + 1}: {line.strip()}")
    assert offenders == []


def test_the_check_above_would_see_a_read_by_key():
    assert BY_KEY.search('due = event.payload.get("new_due_at")')
    assert BY_KEY.search('codes = event.payload["results"]')
    assert BY_KEY.search('if "missing" not in opening.payload:')
    assert BY_KEY.search('payload={"receiver": receiver}')


@pytest.mark.parametrize(
    "value", [None, "Bản sao", 7, {"a": 1}], ids=["none", "text", "number", "object"]
)
def test_a_payload_of_the_wrong_shape_reads_as_absent(value):
    """An event imported from a previous system keeps its details as they came."""

    class Imported:
        payload = {"missing": value, "results": value, "new_due_at": value}

    assert events.missing_papers(Imported()) == []  # type: ignore[arg-type]
    assert events.result_codes(Imported()) == []  # type: ignore[arg-type]
    change = events.due_change(Imported())  # type: ignore[arg-type]
    assert change is not None
    assert change.new is None
