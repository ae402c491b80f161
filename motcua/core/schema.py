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


class _ConcurrentlyOnPostgreSQL:
    """Django's concurrent operation (the next of the subclass's bases) on PostgreSQL,
    ``plain`` elsewhere."""

    plain: Any

    def describe(self) -> str:
        return f"{self.plain.describe(self)} (concurrently on PostgreSQL)"

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if _on_postgresql(schema_editor):
            super().database_forwards(  # type: ignore[misc]
                app_label, schema_editor, from_state, to_state
            )
        else:
            self.plain.database_forwards(
                self, app_label, schema_editor, from_state, to_state
            )

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if _on_postgresql(schema_editor):
            super().database_backwards(  # type: ignore[misc]
                app_label, schema_editor, from_state, to_state
            )
        else:
            self.plain.database_backwards(
                self, app_label, schema_editor, from_state, to_state
            )


def _on_postgresql(schema_editor: Any) -> bool:
    return bool(schema_editor.connection.vendor == "postgresql")


class AddIndexWithoutLocking(_ConcurrentlyOnPostgreSQL, AddIndexConcurrently):
    """``AddIndex``, built ``CONCURRENTLY`` on PostgreSQL."""

    plain = AddIndex


class RemoveIndexWithoutLocking(_ConcurrentlyOnPostgreSQL, RemoveIndexConcurrently):
    """``RemoveIndex``, dropped ``CONCURRENTLY`` on PostgreSQL."""

    plain = RemoveIndex
