"""The upload form of a paper's scan on the officer's dossier page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.files.store import allowed_types, max_bytes, megabytes, type_names
from motcua.office.forms import DesignSystemFormMixin
from motcua.office.selectors import DossierPage, PaperFiles

#: what the browser's file chooser offers first; only a hint; the content decides
ACCEPT = (
    ".pdf,.jpg,.jpeg,.png,.tif,.tiff,application/pdf,image/jpeg,image/png,image/tiff"
)


class DigitiseForm(DesignSystemFormMixin, forms.Form):
    """One scan of one paper (số hóa, TT 01/2023/TT-VPCP Điều 8), with the version of the
    dossier the officer saw, so that a second press of the button changes nothing twice
    and a dossier someone changed meanwhile says so."""

    file = forms.FileField(label=_("Scan of the paper"))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["file"]
        field.widget.attrs["class"] = "govuk-file-upload"
        field.widget.attrs["accept"] = ACCEPT
        field.help_text = _("%(types)s, at most %(limit)s MB.") % {
            "types": type_names(allowed_types()),
            "limit": megabytes(max_bytes()),
        }
        field.error_messages["required"] = _("Choose the file of the scan.")


def paper_uploads(
    page: DossierPage, *, bound: DigitiseForm | None = None, bound_pk: int | None = None
) -> list[tuple[PaperFiles, DigitiseForm | None]]:
    """Each paper of the page with the form that uploads its scan: for a paper not
    digitised yet, when the officer may digitise; ``bound`` is the form just sent, with
    its errors, for the paper ``bound_pk``."""
    rows: list[tuple[PaperFiles, DigitiseForm | None]] = []
    for entry in page.papers:
        form = None
        if entry.paper.pk == bound_pk and bound is not None:
            form = bound
        elif page.may_digitise and entry.paper.digitised_at is None:
            form = DigitiseForm(
                prefix=f"giay-{entry.paper.pk}",
                initial={"version": page.dossier.lock_version},
            )
        rows.append((entry, form))
    return rows
