"""``python -m motcua.core.dbcheck URL``: exit 0 when the PostgreSQL at URL answers.

Used by ``make test`` to decide whether the suite runs a second time on PostgreSQL.
"""

from __future__ import annotations

import sys

import dj_database_url
import psycopg


def reachable(url: str) -> bool:
    config = dj_database_url.parse(url)
    try:
        with psycopg.connect(
            host=config.get("HOST") or None,
            port=config.get("PORT") or None,
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
            dbname="postgres",
            connect_timeout=3,
        ):
            return True
    except psycopg.Error:
        return False


if __name__ == "__main__":
    sys.exit(0 if reachable(sys.argv[1]) else 1)
