"""Idempotency keys: a create retried with the same ``Idempotency-Key`` gets the first
answer instead of making a second record (IETF draft "The Idempotency-Key HTTP Header
Field"). See :mod:`motcua.idempotency.views`."""
