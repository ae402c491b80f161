"""The document store's pages in the officers' workspace: a stored file downloaded, and a
paper's scan uploaded from the dossier's page. A file or a dossier the officer may not
see is 404, as an unknown one is (``dossiers.permissions.may_see``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from motcua.dossiers.errors import Conflict, NotAllowed
from motcua.dossiers.models import Dossier, DossierComponent
from motcua.dossiers.permissions import may_see
from motcua.dossiers.selectors import dossier_by_code
from motcua.files.forms import DigitiseForm, paper_uploads
from motcua.files.selectors import file_visible_to
from motcua.files.services import digitise_component
from motcua.files.store import UploadRefused, files_storage
from motcua.office.selectors import dossier_page
from motcua.office.views import DossierView, OfficerRequiredMixin

#: types a browser may show in its own window; anything else is offered as a download
INLINE_TYPES = frozenset(
    {"application/pdf", "image/jpeg", "image/png", "image/tiff", "image/gif"}
)


class FileDownloadView(OfficerRequiredMixin, View):
    """``/can-bo/tep/<id>/<name>``: the bytes of a stored file, with the type libmagic
    read from its content (never the name's), ``X-Content-Type-Options: nosniff`` so
    that no browser guesses another, and its original name. 404 unless it is attached
    to a dossier the officer may see, or if the name is not its name."""

    def get(self, request: HttpRequest, pk: int, name: str) -> FileResponse:
        stored = file_visible_to(request.user, pk)  # type: ignore[arg-type]
        if stored is None or stored.original_name != name:
            raise Http404
        blob = stored.blob
        response = FileResponse(
            files_storage().open(blob.storage_name, "rb"),
            content_type=blob.content_type,
            as_attachment=blob.content_type not in INLINE_TYPES,
            filename=stored.original_name,
        )
        response["Content-Length"] = str(blob.size)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class DigitiseView(DossierView):
    """``POST /can-bo/ho-so/<code>/giay-to/<id>/so-hoa/``: the scan of one paper, stored
    and attached (``files.services.digitise_component``), then back to the dossier's
    page. An upload refused (too big, not an allowed type), a dossier changed meanwhile
    or an officer who may not digitise: the page again, with the error beside the field
    and nothing changed."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, code: str, component: int) -> HttpResponse:
        dossier = dossier_by_code(code)
        if dossier is None or not may_see(request.user, dossier):  # type: ignore[arg-type]
            raise Http404
        paper = DossierComponent.objects.filter(pk=component, dossier=dossier).first()
        if paper is None:
            raise Http404
        paper.dossier = dossier
        form = DigitiseForm(request.POST, request.FILES, prefix=f"giay-{paper.pk}")
        status = 422
        if form.is_valid():
            try:
                digitise_component(
                    component=paper,
                    upload=form.cleaned_data["file"],
                    actor=request.user,  # type: ignore[arg-type]
                    expected_version=form.cleaned_data["version"],
                )
            except UploadRefused as refused:
                form.add_error(
                    "file", ValidationError(refused.message, code=refused.code)
                )
            except NotAllowed:
                form.add_error(
                    None, _("You may not digitise the papers of this dossier.")
                )
                status = 403
            except Conflict as conflict:
                form.add_error(None, conflict.message)
                status = 409
            else:
                messages.success(
                    request,
                    _("The scan of “%(paper)s” is stored.") % {"paper": paper.name},
                )
                return redirect("office:dossier", code=dossier.code)
        return self._again(request, dossier, form, paper.pk, status)

    def _again(
        self,
        request: HttpRequest,
        dossier: Dossier,
        form: DigitiseForm,
        paper_pk: int,
        status: int,
    ) -> HttpResponse:
        # the dossier as it is now: a conflict shows what someone else changed
        current = dossier_by_code(dossier.code) or dossier
        page = dossier_page(request.user, current, now=timezone.now())  # type: ignore[arg-type]
        if status == 409:
            # the version the officer now sees, so that sending again is deliberate
            data = request.POST.copy()
            data[form.add_prefix("version")] = str(current.lock_version)
            form.data = data
        context = {
            "page": page,
            "paper_uploads": paper_uploads(page, bound=form, bound_pk=paper_pk),
        }
        return self.render_to_response(context, status=status)
