"""The benchmark of `make bench` (docs/benchmarks.md): not a test, never run by `make test`.

- ``run``: the harness: database, gunicorn, the measures, the table.
- ``seed``: runs inside Django against the benchmark's database: the million dossiers,
  the officers' sessions, the intake body; ``--settle`` lets PostgreSQL catch up.
- ``load``: the concurrent clients, in a process of their own.
- ``inprocess``: by hand, one kind of request timed inside one process against the same
  database (with ``--profile``: where its time goes).
"""
