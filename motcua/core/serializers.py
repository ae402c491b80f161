"""Reading serializers kept for the life of a thread.

Django REST framework builds a serializer's fields each time one is instantiated; for a
``ModelSerializer`` that means inspecting the model. A dossier's detail nests eight of them,
and building their fields was a fifth of the time of a lookup (docs/benchmarks.md). A
reading serializer keeps no state between two calls of ``to_representation`` but its
context, so each thread keeps one instance of each class and hands it the context of the
call.

Only for serializers that read (no ``is_valid``, no ``save``) and whose fields depend on the
class alone, not on the context they are built with.
"""

from __future__ import annotations

import threading
from typing import Any

from rest_framework import serializers

_kept = threading.local()


def represent(
    serializer_class: type[serializers.BaseSerializer[Any]],
    instance: Any,
    *,
    context: dict[str, Any],
) -> dict[str, Any]:
    """``serializer_class(instance, context=context).data``, without building its fields
    again."""
    kept: dict[type[Any], serializers.BaseSerializer[Any]] | None = getattr(
        _kept, "serializers", None
    )
    if kept is None:
        kept = _kept.serializers = {}
    serializer = kept.get(serializer_class)
    if serializer is None:
        serializer = kept[serializer_class] = serializer_class(context={})
    # Fields find the context on the root serializer (``Field.context``).
    serializer._context = context
    try:
        data: dict[str, Any] = serializer.to_representation(instance)
    finally:
        serializer._context = {}
    return data
