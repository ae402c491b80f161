"""The index of a big table is built without blocking its writes (motcua.core.schema)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection


# CONCURRENTLY runs outside any transaction; the data the migrations seeded is restored after
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_live_counts_index_is_built_concurrently_on_postgresql():
    out = io.StringIO()
    call_command("sqlmigrate", "indices", "0007", stdout=out)
    sql = out.getvalue()
    assert 'CREATE INDEX "indexed_dossier_live_counts"' in sql.replace(
        "CONCURRENTLY ", ""
    )
    if connection.vendor == "postgresql":
        assert 'DROP INDEX CONCURRENTLY IF EXISTS "indexed_dossier_live"' in sql
        assert 'CREATE INDEX CONCURRENTLY "indexed_dossier_live_counts"' in sql
        # not inside a transaction: CONCURRENTLY refuses one
        assert "BEGIN;" not in sql
    else:
        assert "CONCURRENTLY" not in sql
        assert 'DROP INDEX "indexed_dossier_live";' in sql
