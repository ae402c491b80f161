"""The first answer to each create sent with an ``Idempotency-Key``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: The longest key accepted (the draft leaves it to the server; a UUID is 36).
MAX_KEY_LENGTH = 255


class IdempotencyKeyQuerySet(models.QuerySet["IdempotencyKey"]):
    def expired(self) -> IdempotencyKeyQuerySet:
        """Keys older than ``MOTCUA_IDEMPOTENCY_KEY_HOURS``: a retry with one of them is a
        new request."""
        return self.filter(created_at__lt=timezone.now() - settings.IDEMPOTENCY_KEY_TTL)


class IdempotencyKey(models.Model):
    """A key a client sent with a create, the request it came with (method, path and a
    digest of the body) and the answer it received, so that a retry with the same key and
    the same body receives that answer again and creates nothing.

    Keys belong to the account that sent them: two clients may choose the same key.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    key = models.CharField(_("key"), max_length=MAX_KEY_LENGTH)
    request_method = models.CharField(_("method"), max_length=10)
    request_path = models.CharField(_("path"), max_length=255)
    #: SHA-256 of the method, the path and the body as parsed (key order kept)
    request_digest = models.CharField(_("request digest"), max_length=64)
    response_status = models.PositiveSmallIntegerField(_("response status"), default=0)
    #: the JSON body as it was sent, in its order (a jsonb column would reorder it)
    response_body = models.TextField(_("response body"), blank=True)
    response_etag = models.CharField(_("ETag"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = IdempotencyKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], name="idempotency_key_unique_per_user"
            ),
        ]
        indexes = [
            models.Index(fields=["created_at"], name="idempotency_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.key} · {self.request_method} {self.request_path}"
