"""Schema changes that a province can apply while its officers work.

A plain ``CREATE INDEX`` holds a lock on its table that blocks every write for as long as
the index takes to build: minutes on a table of millions of rows. PostgreSQL builds an
index ``CONCURRENTLY`` instead, writes going on meanwhile, outside a transaction
(Django's ``AddIndexConcurrently``). SQLite, the embedded default, knows no such
thing and has no concurrent writers to spare. These operations are Django's
concurrent ones on PostgreSQL and the plain ones elsewhere; a migration using them sets
``atomic = False`` (each of its statements is then a transaction of its own on SQLite),
and adds a replacing index before it drops the one it replaces, so that reads keep one.

A concurrent build that fails (a deadlock, a cancelled statement, a full disk) leaves
an index marked INVALID behind, and the migration does not count as applied: drop that
index (``DROP INDEX CONCURRENTLY name``) and migrate again (PostgreSQL's manual, CREATE
INDEX, "Building Indexes Concurrently").
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.operations import (
    AddIndexConcurrently,
    RemoveIndexConcurrently,
)
from django.db.migrations.operations import AddIndex, RemoveIndex


def _concurrent(schema_editor: Any) -> bool:
    return bool(schema_editor.connection.vendor == "postgresql")


class AddIndexWithoutLocking(AddIndexConcurrently):
    """``AddIndex``, built ``CONCURRENTLY`` on PostgreSQL."""

    def describe(self) -> str:
        return f"{AddIndex.describe(self)} (concurrently on PostgreSQL)"

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if _concurrent(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_forwards(
                self, app_label, schema_editor, from_state, to_state
            )

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if _concurrent(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_backwards(
                self, app_label, schema_editor, from_state, to_state
            )


class RemoveIndexWithoutLocking(RemoveIndexConcurrently):
    """``RemoveIndex``, dropped ``CONCURRENTLY`` on PostgreSQL."""

    def describe(self) -> str:
        return f"{RemoveIndex.describe(self)} (concurrently on PostgreSQL)"

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if _concurrent(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            RemoveIndex.database_forwards(
                self, app_label, schema_editor, from_state, to_state
            )

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if _concurrent(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            RemoveIndex.database_backwards(
                self, app_label, schema_editor, from_state, to_state
            )
