"""The document store: bytes kept once by their content, and each use of them.

A scanner gives the same PDF twice when a paper is scanned again, and a result is often
the same file attached to two dossiers; keyed by the SHA-256 of its content, a file is
kept once however often it is uploaded (docs/decisions/0011). Each upload is its own row,
with its original name, who uploaded it and when, and what it belongs to.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

#: the names people know the usual types by (a refusal's message, the dossier page)
TYPE_NAMES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/tiff": "TIFF",
}

#: a SHA-256 written as 64 lower-case hexadecimal digits
SHA256_PATTERN = r"^[0-9a-f]{64}$"


class Blob(models.Model):
    """The bytes of one file, kept once under the SHA-256 of their content, with their
    size and their type as the content shows it (libmagic), never as a name claims."""

    sha256 = models.CharField(
        _("SHA-256"),
        max_length=64,
        primary_key=True,
        validators=[RegexValidator(SHA256_PATTERN)],
    )
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("type"), max_length=100)
    stored_at = models.DateTimeField(_("stored at"))

    class Meta:
        verbose_name = _("stored content")
        verbose_name_plural = _("stored contents")
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=SHA256_PATTERN), name="blob_sha256_hex"
            )
        ]

    def __str__(self) -> str:
        return self.sha256

    @property
    def storage_name(self) -> str:
        return storage_name(self.sha256)

    @property
    def type_name(self) -> str:
        return TYPE_NAMES.get(self.content_type, self.content_type)


def storage_name(sha256: str) -> str:
    """Where the bytes of ``sha256`` lie in the storage: two levels of folders by its first
    digits, so that no folder holds millions of entries."""
    return f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"


class StoredFileQuerySet(models.QuerySet["StoredFile"]):
    def scans(self) -> StoredFileQuerySet:
        """Scans of submitted papers (digitisation, TT 01/2023)."""
        return self.filter(component__isnull=False)

    def result_files(self) -> StoredFileQuerySet:
        """Files of electronic results (NĐ 45/2020 khoản 3 Điều 14)."""
        return self.filter(result__isnull=False)


class StoredFile(models.Model):
    """A tệp đính kèm: one upload of some content, with the name it came with, who
    uploaded it and when, and what it is attached to: the scan of a paper of a dossier
    (số hóa, TT 01/2023/TT-VPCP Điều 8) or the file of an electronic result (NĐ 45/2020
    khoản 3 Điều 14). A file attached to nothing belongs to no dossier, so nobody may
    download it (``files.selectors.file_visible_to``)."""

    blob = models.ForeignKey(
        Blob,
        verbose_name=_("content"),
        on_delete=models.PROTECT,
        related_name="uses",
    )
    original_name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("dossier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="files",
    )
    component = models.ForeignKey(
        "dossiers.DossierComponent",
        verbose_name=_("submitted paper"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scans",
    )
    result = models.ForeignKey(
        "dossiers.DossierResult",
        verbose_name=_("result"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="files",
    )

    objects = StoredFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(component__isnull=True) | Q(result__isnull=True),
                name="stored_file_one_attachment",
            ),
            models.CheckConstraint(
                condition=Q(component__isnull=True, result__isnull=True)
                | Q(dossier__isnull=False),
                name="stored_file_attached_has_dossier",
            ),
        ]
        indexes = [
            models.Index(
                fields=["dossier", "component"], name="stored_file_dossier_idx"
            )
        ]

    def __str__(self) -> str:
        return self.original_name
