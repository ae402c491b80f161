"""The WSGI entry point leaves the objects of the loaded application out of the garbage
collector's full collections (``motcua/wsgi.py``)."""

from __future__ import annotations

import subprocess
import sys


def test_the_loaded_application_is_frozen_out_of_the_collections():
    """In a process of its own, as a server starts it: before the import nothing is
    frozen; after it, what the loaded application made is, and the collector is left
    with a few objects beside it (those made after the freeze), not with the
    application's own."""
    script = (
        "import gc; before = gc.get_freeze_count(); import motcua.wsgi; "
        "print(before, gc.get_freeze_count(), len(gc.get_objects()))"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={"MOTCUA_SECRET_KEY": "w" * 50, "PATH": ""},
    )
    before, frozen, tracked = (int(number) for number in done.stdout.split())
    assert before == 0
    assert frozen > 10_000
    assert tracked < frozen / 20
