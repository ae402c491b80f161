"""Signals the dossier core sends, so that read models kept elsewhere follow its writes
without the core knowing them (the 766 index, ``motcua.indices.live``).

``dossiers_changed``: sent inside the transaction that changed what a dossier's figures
read (an event written, an evaluation or a petition about it, its papers, results or
fees recorded), with ``dossier_ids``: the ids changed. A receiver that writes must write
in that same transaction, so that its mark and the change commit or roll back together;
the work itself may wait for after the commit.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.dispatch import Signal

dossiers_changed = Signal()


def changed(dossier_ids: Iterable[int], *, sender: object = None) -> None:
    """Tell the receivers that ``dossier_ids`` changed (in the caller's transaction)."""
    ids = sorted({int(pk) for pk in dossier_ids})
    if ids:
        dossiers_changed.send(sender=sender, dossier_ids=ids)
