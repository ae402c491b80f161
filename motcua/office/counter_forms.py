"""The counter's forms (issue 10 §4). They read the shape of what was typed (a number is
a number, a choice one of its choices, as the API's serializers do) and no more: what the
law requires of an intake, a refusal or a return is the services' to say, and their
refusals are put beside the field they name (``place_error``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.agencies.models import Agency
from motcua.dossiers.choices import ApplicantKind, Channel, ReturnMethod
from motcua.dossiers.errors import DossierError, ErrorCode
from motcua.dossiers.services import Applicant, Paper
from motcua.office.forms import DesignSystemFormMixin
from motcua.procedures.choices import ComponentForm
from motcua.procedures.models import ProcedureVersion, RequiredComponent


def _lines(text: str) -> list[str]:
    """The non-blank lines of a text area, each stripped: one item per line."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class CounterFormMixin(DesignSystemFormMixin):
    """The design system's classes, and a place for each refusal of a service."""

    #: the service's field (``details["field"]``, its list name before ``[i]``) → ours
    SERVICE_FIELDS: dict[str, str] = {}

    def place_error(self, error: DossierError) -> None:
        """Put the service's refusal beside the field it names, in the reader's language;
        a refusal naming no field of this form goes to the top of the form."""
        named = str(error.details.get("field", ""))
        base, _sep, index = named.partition("[")
        field = (
            named
            if named in self.fields
            else self.SERVICE_FIELDS.get(named) or self.SERVICE_FIELDS.get(base)
        )
        message = _message(error, index.rstrip("]"))
        target = field if field in self.fields else None
        self.add_error(target, message)  # type: ignore[attr-defined]


def _message(error: DossierError, index: str) -> str:
    """The service's message, except for the bounds of free text, whose message names
    the API's field: beside our field the figures alone are said (the details hold
    them); an item of a list is named by its line."""
    details = error.details
    said: str
    if error.code == ErrorCode.TEXT_TOO_LONG:
        said = gettext(
            "At most %(limit)s characters are accepted; this has %(length)s."
        ) % {"limit": details.get("max_length"), "length": details.get("length")}
    elif error.code == ErrorCode.CONTROL_CHARACTER:
        said = gettext(
            "Remove the control character %(character)s, which no form may hold."
        ) % {"character": details.get("character")}
    elif error.code == ErrorCode.TOO_MANY_ITEMS:
        said = gettext("At most %(limit)s lines are accepted; this has %(count)s.") % {
            "limit": details.get("max_items"),
            "count": details.get("count"),
        }
    else:
        return error.message
    if index.isdigit():
        return gettext("Line %(line)s: %(error)s") % {
            "line": int(index) + 1,
            "error": said,
        }
    return said


# ------------------------------------------------------------------ finding the procedure


class ProcedureSearchForm(DesignSystemFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Procedure: its name or code, accents optional"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


# ------------------------------------------------------------------ the intake


#: what the counter officer decides on a dossier handed in (NĐ 61/2018 Điều 15; spec 02
#: §3: receive with Mẫu 01, ask to complete with Mẫu 02, refuse with Mẫu 03, or settle on
#: the spot)
RECEIVE = "receive"
ASK_TO_COMPLETE = "request_supplement"
REFUSE = "refuse"
ON_THE_SPOT = "on_the_spot"
DECISIONS = [
    (RECEIVE, _("Receive: complete and valid (receipt, form 01)")),
    (ASK_TO_COMPLETE, _("Ask to complete before reception (form 02)")),
    (REFUSE, _("Refuse reception, with reasons (form 03)")),
    (ON_THE_SPOT, _("Settle on the spot and hand over the result")),
]

#: the ways in a counter officer records: at the counter, or by post (spec 02 §2)
CHANNELS = [
    (Channel.DIRECT.value, Channel.DIRECT.label),
    (Channel.POSTAL.value, Channel.POSTAL.label),
]


@dataclass(frozen=True)
class PaperFields:
    """The inputs of one paper of the checklist, by name, with its component."""

    component: RequiredComponent
    given: str
    form: str
    quantity: str
    scan: str


class IntakeForm(CounterFormMixin, forms.Form):
    """A paper dossier at the counter: the procedure version's checklist (each paper
    ticked as handed in, its form and count, its scan), the applicant, and the decision.
    ``intake_parts`` turns it into what the services take."""

    SERVICE_FIELDS = {
        "applicant": "applicant_name",
        "applicant.name": "applicant_name",
        "applicant.address": "applicant_address",
        "receiving_agency": "receiving_agency",
        "handling_agency": "handling_agency",
        "missing": "missing",
        "reasons": "reasons",
        "results": "results",
        "note": "note",
    }

    form_key = forms.CharField(widget=forms.HiddenInput, max_length=255)
    receiving_agency = forms.TypedChoiceField(label=_("Receiving counter"), coerce=int)
    handling_agency = forms.TypedChoiceField(label=_("Handling agency"), coerce=int)
    channel = forms.TypedChoiceField(
        label=_("Way of submission"),
        choices=CHANNELS,
        coerce=int,
        initial=Channel.DIRECT.value,
        widget=forms.RadioSelect,
    )
    applicant_kind = forms.TypedChoiceField(
        label=_("Kind of applicant"),
        choices=ApplicantKind.choices,
        coerce=int,
        initial=ApplicantKind.CITIZEN.value,
        widget=forms.RadioSelect,
    )
    applicant_id_number = forms.CharField(
        label=_("Personal identification number or tax code"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    applicant_name = forms.CharField(label=_("Full name"), required=False)
    applicant_phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    applicant_email = forms.EmailField(label=_("Email"), required=False, max_length=254)
    applicant_address = forms.CharField(label=_("Address"), required=False)
    return_method = forms.ChoiceField(
        label=_("The result is returned"),
        choices=ReturnMethod.choices,
        initial=ReturnMethod.COUNTER.value,
        widget=forms.RadioSelect,
    )
    sets = forms.IntegerField(
        label=_("Number of sets"), min_value=1, max_value=100, initial=1
    )
    decision = forms.ChoiceField(
        label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect
    )
    missing = forms.CharField(
        label=_("What the applicant must add, one item per line"),
        help_text=_("Left empty: the mandatory papers not ticked above."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    note = forms.CharField(
        label=_("Guidance for the applicant"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reasons = forms.CharField(
        label=_("Reasons for refusing"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    results = forms.CharField(
        label=_("Result documents handed over, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        version: ProcedureVersion,
        counters: Sequence[Agency],
        handlers: Sequence[Agency],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        self.fields["receiving_agency"].choices = [  # type: ignore[attr-defined]
            (a.pk, a.name) for a in counters
        ]
        self.fields["handling_agency"].choices = [  # type: ignore[attr-defined]
            (a.pk, a.name) for a in handlers
        ]
        if len(handlers) == 1:
            self.fields["handling_agency"].initial = handlers[0].pk
        self.agencies = {a.pk: a for a in [*counters, *handlers]}
        self.papers: list[PaperFields] = []
        for component in sorted(version.components.all(), key=lambda c: c.position):
            prefix = f"paper_{component.position}"
            names = PaperFields(
                component=component,
                given=f"{prefix}_given",
                form=f"{prefix}_form",
                quantity=f"{prefix}_quantity",
                scan=f"{prefix}_scan",
            )
            self.fields[names.given] = forms.BooleanField(
                label=component.name, required=False
            )
            self.fields[names.form] = forms.ChoiceField(
                label=_("Form"),
                choices=ComponentForm.choices,
                initial=component.form,
            )
            self.fields[names.quantity] = forms.IntegerField(
                label=_("Count"),
                min_value=1,
                max_value=100,
                initial=component.quantity,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
            self.fields[names.scan] = forms.FileField(label=_("Scan"), required=False)
            # added after the mixin gave the others theirs: the design system's classes
            for name, css in (
                (names.given, "govuk-checkboxes__input"),
                (names.form, "govuk-select"),
                (names.quantity, "govuk-input govuk-input--width-3"),
                (names.scan, "govuk-file-upload"),
            ):
                self.fields[name].widget.attrs["class"] = css
            self.papers.append(names)
        for name in ("channel", "applicant_kind", "return_method", "decision"):
            self.fields[name].widget.attrs["class"] = "govuk-radios__input"
        self.fields["sets"].widget.attrs["class"] = "govuk-input govuk-input--width-3"

    def clean(self) -> dict[str, Any]:
        """A scan belongs to a paper handed in: one attached to a paper not ticked is
        said beside it rather than dropped."""
        data = super().clean() or self.cleaned_data
        for names in self.papers:
            if data.get(names.scan) and not data.get(names.given):
                self.add_error(
                    names.scan,
                    gettext("Tick the paper as handed in, or remove its scan."),
                )
        return data

    # the checklist, row by row, for the template
    def paper_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "component": names.component,
                "given": self[names.given],
                "form": self[names.form],
                "quantity": self[names.quantity],
                "scan": self[names.scan],
            }
            for names in self.papers
        ]

    def place_error(self, error: DossierError) -> None:
        """As ``CounterFormMixin``; besides, a dossier lacking mandatory papers has the
        error beside each of them (``dossier_incomplete`` names them), and a paper the
        service names by its place in the list is the paper ticked there."""
        if error.code == ErrorCode.DOSSIER_INCOMPLETE:
            self.mark_lacking(error.details.get("missing", []))
            self.add_error(None, error.message)
            return
        if error.code == ErrorCode.NOT_ALLOWED:
            self.add_error("receiving_agency", error.message)
            return
        named = str(error.details.get("field", ""))
        if named.startswith("papers[") and named.endswith("]"):
            index = named[len("papers[") : -1]
            given = self.given_papers()
            if index.isdigit() and int(index) < len(given):
                self.add_error(given[int(index)].given, _message(error, ""))
                return
        super().place_error(error)

    def mark_lacking(self, lacking: Sequence[str]) -> None:
        """Beside each mandatory paper named in ``lacking`` (``missing_components``),
        that it is required to receive the dossier."""
        for names in self.papers:
            if names.component.name in lacking and names.given not in self.errors:
                self.add_error(
                    names.given,
                    gettext("Required to receive the dossier: not ticked."),
                )

    # what the services take
    def given_papers(self) -> list[PaperFields]:
        return [names for names in self.papers if self.cleaned_data.get(names.given)]

    def paper_list(self) -> list[Paper]:
        """The papers ticked, each tied to its component: its name, the form and count
        typed (as the API's ``resolve_papers`` makes them from a component's position)."""
        return [
            Paper(
                name=names.component.name,
                form=self.cleaned_data[names.form],
                quantity=self.cleaned_data[names.quantity],
                required_id=names.component.pk,
            )
            for names in self.given_papers()
        ]

    def applicant(self) -> Applicant:
        data = self.cleaned_data
        return Applicant(
            name=data["applicant_name"],
            kind=ApplicantKind(data["applicant_kind"]),
            id_number=data["applicant_id_number"],
            phone=data["applicant_phone"],
            email=data["applicant_email"],
            address=data["applicant_address"],
        )

    def agency(self, name: str) -> Agency:
        return self.agencies[self.cleaned_data[name]]

    def missing_items(self) -> list[str]:
        return _lines(self.cleaned_data["missing"])

    def result_names(self) -> list[str]:
        return _lines(self.cleaned_data["results"])

    def scans(self) -> list[tuple[RequiredComponent, str, Any]]:
        """(component, the scan's input, uploaded file) of each ticked paper with a
        scan."""
        return [
            (names.component, names.scan, self.cleaned_data[names.scan])
            for names in self.given_papers()
            if self.cleaned_data.get(names.scan)
        ]

    def has_scans(self) -> bool:
        return any(self.cleaned_data.get(names.scan) for names in self.papers)


# ------------------------------------------------------------------ actions on a dossier


class CounterActionForm(CounterFormMixin, forms.Form):
    """An action on a dossier that exists: the version of the dossier the officer saw,
    so that a second click, or another officer's change meanwhile, changes nothing twice
    (``stale_dossier``)."""

    expected_version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1
    )


class ReceiveForm(CounterActionForm):
    """Receive an online dossier (Mẫu 01)."""


class AskToCompleteForm(CounterActionForm):
    """Return an online dossier for completion, everything missing listed once (Mẫu 02)."""

    SERVICE_FIELDS = {"missing": "missing", "note": "note"}

    missing = forms.CharField(
        label=_("What the applicant must add, one item per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    note = forms.CharField(
        label=_("Guidance for the applicant"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def missing_items(self) -> list[str]:
        return _lines(self.cleaned_data["missing"])


class RefuseForm(CounterActionForm):
    """Refuse an online dossier, with reasons in writing (Mẫu 03)."""

    SERVICE_FIELDS = {"reasons": "reasons"}

    reasons = forms.CharField(
        label=_("Reasons for refusing"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class SupplementReceivedForm(CounterActionForm):
    """The papers a supplement asked for are brought to the counter."""

    SERVICE_FIELDS = {"note": "note"}

    note = forms.CharField(
        label=_("Papers received, and any note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReturnResultForm(CounterActionForm):
    """The result handed over, and to whom (NĐ 61/2018 Điều 18)."""

    SERVICE_FIELDS = {"receiver": "receiver"}

    receiver = forms.CharField(
        label=_("Handed to (full name)"),
        help_text=_("The applicant, or the person they authorised."),
        required=False,
    )
    method = forms.ChoiceField(
        label=_("Returned"),
        choices=ReturnMethod.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["method"].widget.attrs["class"] = "govuk-radios__input"
