"""The forms of the actions an officer takes on a dossier (issue 10 §5), one per kind of
input, chosen for each action by the body its API endpoint takes
(``dossiers.api.views.ENDPOINTS``): the same action takes the same input on a page and
through the API.

The forms only turn what a browser sends (a line per missing paper, a date and a time, a
choice in a list) into that body; the rules are the API's serializer's, which each form
runs in ``clean`` and whose errors it puts beside its own fields, and then the service's
(``dossiers.services``), which the view calls. Nothing is checked twice in two ways.

Every form carries the dossier's ``lock_version`` as the officer saw it
(``expected_version``): the service refuses a change on a dossier changed since
(``stale_dossier``), so a second click, or a colleague's change in between, changes
nothing twice.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_stubs_ext import StrOrPromise

from motcua.accounts.choices import Role
from motcua.accounts.models import RoleAssignment, User
from motcua.agencies.models import Agency
from motcua.dossiers import services
from motcua.dossiers.api.serializers import (
    ApologiseSerializer,
    AssignSerializer,
    FinancialObligationSerializer,
    HandOverSerializer,
    IssueResultSerializer,
    MissingSerializer,
    NoteSerializer,
    ReasonsSerializer,
    RequiredNoteSerializer,
    ReturnResultSerializer,
    TransitionSerializer,
)
from motcua.dossiers.api.views import ENDPOINTS, Call
from motcua.dossiers.choices import ReturnMethod
from motcua.dossiers.models import Dossier
from motcua.dossiers.workflow import RULES, Action, Clock
from motcua.office.forms import DesignSystemFormMixin
from motcua.workdays.clock import VN_TZ

#: Messages of the API's serializers that Django REST framework's own Vietnamese catalogue
#: lacks, said beside a field of these forms (and in the API's errors): listed so that
#: ``makemessages`` keeps their translation in the project's catalogue, which is read
#: before the packages' (``LOCALE_PATHS``).
DRF_MESSAGES = (
    gettext_noop("Ensure this field has at least {min_length} elements."),
    gettext_noop("Ensure this field has no more than {max_length} elements."),
    gettext_noop("Ensure this field has no more than {max_length} characters."),
    gettext_noop("Object with {slug_name}={value} does not exist."),
    gettext_noop("This field may not be null."),
    gettext_noop("A valid integer is required."),
    gettext_noop("Ensure this value is less than or equal to {max_value}."),
    gettext_noop("Ensure this value is greater than or equal to {min_value}."),
    gettext_noop('"{input}" is not a valid choice.'),
    gettext_noop(
        "Datetime has wrong format. Use one of these formats instead: {format}."
    ),
)

#: what an action does to the legal clock, said to the officer before they act (spec 02 §7)
CLOCK_HINTS: dict[Clock, StrOrPromise] = {
    Clock.NONE: "",
    Clock.START: _("The legal clock starts and the appointment is set."),
    Clock.PAUSE: _("The clock stops until the applicant brings the supplement."),
    Clock.PAUSE_IF_VERSION_SAYS: _(
        "The clock stops only where the procedure's sector law excludes this time."
    ),
    Clock.RESUME: _(
        "The clock runs again; the appointment moves by the working time paused."
    ),
    Clock.RESCHEDULE: _("The appointment may be re-set only once."),
    Clock.FINISH: _("Processing ends: this moment is judged against the appointment."),
    Clock.CLOSE: _("The dossier is closed: nothing more can be done to it."),
}


def _messages(errors: Any) -> list[str]:
    """Every message of a serializer's error for one field, however nested (a list's
    errors come keyed by the item's position)."""
    if isinstance(errors, Mapping):
        return [m for value in errors.values() for m in _messages(value)]
    if isinstance(errors, list | tuple):
        return [m for value in errors for m in _messages(value)]
    return [str(errors)]


def _lines(text: str) -> list[str]:
    """One item per line of a text area, blank lines left out."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _chosen(body: dict[str, Any], key: str, value: str | None) -> dict[str, Any]:
    """``body`` with the choice made in a list, if one was: an empty choice is left out,
    and the serializer says the field is required."""
    return {**body, key: value} if value else body


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ActionForm(DesignSystemFormMixin, forms.Form):
    """An action with nothing to say but the version of the dossier the officer saw
    (``TransitionSerializer``). Subclasses add their fields and say how they make the
    API's body (``body``) and which of their fields each of its keys is (``FIELDS``)."""

    #: the API's body this form makes
    serializer: ClassVar[type[TransitionSerializer]] = TransitionSerializer
    #: the body's key → the field of this form an error about it goes beside
    FIELDS: ClassVar[dict[str, str]] = {}

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(
        self,
        *args: Any,
        action: str,
        dossier: Dossier,
        officer: User,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("expected_version", dossier.lock_version)
        # each action's fields have their own ids: the page holds every form at once
        kwargs.setdefault("auto_id", f"{action}_%s")
        super().__init__(*args, **kwargs)
        self.action = action
        self.dossier = dossier
        self.officer = officer
        self.validated: dict[str, Any] = {}

    # -------------------------------------------------------------- what it says

    @property
    def slug(self) -> str:
        return self.action.replace("_", "-")

    @property
    def label(self) -> str:
        return str(Action(self.action).label)

    @property
    def clock_hint(self) -> str:
        return str(CLOCK_HINTS[RULES[self.action].clock])

    @property
    def internal(self) -> bool:
        return RULES[self.action].internal

    @property
    def basis(self) -> str:
        return RULES[self.action].basis

    @property
    def warning(self) -> bool:
        """The action closes the dossier: its button says so by its colour."""
        return RULES[self.action].clock is Clock.CLOSE

    # -------------------------------------------------------------- checking

    def body(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        """The API's body for what the officer typed."""
        return {"expected_version": cleaned.get("expected_version")}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        checked = self.serializer(data=self.body(cleaned))
        if checked.is_valid():
            self.validated = dict(checked.validated_data)
            return cleaned
        for key, errors in checked.errors.items():
            for message in _messages(errors):
                self.add_error(self.field_of(key), message)
        return cleaned

    def take(self, call: Call) -> Dossier:
        """Take the action: the service the API's endpoint calls, with the body this form
        made (``ENDPOINTS``)."""
        return ENDPOINTS[self.action].call(call)

    def field_of(self, key: str | None) -> str | None:
        """The field an error about the body's ``key`` (or a service's ``details.field``)
        goes beside; ``None``: the form as a whole."""
        if key is None:
            return None
        name = self.FIELDS.get(key, key)
        return name if name in self.fields and name != "expected_version" else None


class NoteForm(ActionForm):
    """An action with an optional note (``NoteSerializer``)."""

    serializer: ClassVar[type[TransitionSerializer]] = NoteSerializer

    note = forms.CharField(label=_("Note"), required=False, widget=_textarea())

    def body(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        return {**super().body(cleaned), "note": cleaned.get("note", "")}


class RequiredNoteForm(NoteForm):
    """Sending back for rework: what must be reworked, and why (``RequiredNoteSerializer``)."""

    serializer = RequiredNoteSerializer

    note = forms.CharField(
        label=_("What must be reworked, and why"),
        required=False,
        widget=_textarea(),
    )


class MissingForm(NoteForm):
    """A supplement request: everything the applicant must add, listed once and in full
    (Mẫu 02; NĐ 61/2018 Điều 15 khoản 2, Điều 17 khoản 2): one paper a line."""

    serializer = MissingSerializer
    field_order = ["missing", "note"]

    missing = forms.CharField(
        label=_("Papers to add or complete"),
        help_text=_("One a line, all of them: the applicant is asked only once."),
        required=False,
        widget=_textarea(4),
    )

    def body(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        return {**super().body(cleaned), "missing": _lines(cleaned.get("missing", ""))}


class ReasonsForm(ActionForm):
    """A refusal or a stop, with its reasons in writing (``ReasonsSerializer``)."""

    serializer = ReasonsSerializer

    reasons = forms.CharField(
        label=_("Reasons"),
        help_text=_("Written on the slip the applicant receives."),
        required=False,
        widget=_textarea(4),
    )

    def body(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        return {**super().body(cleaned), "reasons": cleaned.get("reasons", "")}


class AssignForm(ActionForm):
    """The leader assigns one of the handling agency's specialists (NĐ 61/2018 Điều 17
    khoản 1): the list holds those holding the role today; the service checks it again
    on the day of the act."""

    serializer = AssignSerializer

    assignee = forms.ChoiceField(label=_("Specialist"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        specialists = (
            RoleAssignment.objects.active_on(timezone.localdate())
            .filter(
                role=Role.SPECIALIST,
                agency_id=self.dossier.handling_agency_id,
                user__is_active=True,
            )
            .select_related("user")
            .order_by("user__full_name", "user__username")
        )
        choices: list[tuple[str, StrOrPromise]] = [("", _("Choose a specialist"))]
        seen: set[str] = set()
        for held in specialists:
            user = held.user
            if user.username not in seen:
                seen.add(user.username)
                choices.append((user.username, user.full_name or user.username))
        field = self.fields["assignee"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = choices

    def body(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        return _chosen(super().body(cleaned), "assignee", cleaned.get("assignee"))


class HandOverForm(NoteForm):
    """Hand the dossier to a co-ordinating agency of an inter-agency process (liên thông,
    NĐ 61/2018 Điều 20–21): any agency in existence today but the one holding it now."""

    serializer = HandOverSerializer
    field_order = ["to_agency", "note"]

    to_agency = forms.ChoiceField(label=_("Co-ordinating agency"), required=False)

    def __init__(self, *args: Any, holder: Agency | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = Agency.objects.active_on(timezone.localdate()).order_by("name")
        if holder is not None:
            agencies = agencies.exclude(pk=holder.pk)
        field = self.fields["to_agency"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [("", _("Choose an agency"))] + [
            (a.identifier, f"{a.name} ({a.identifier})")
            for a in agencies.only("identifier", "name")
        ]

    def body(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        return _chosen(super().body(cleaned), "to_agency", cleaned.get("to_agency"))


_AMOUNT = re.compile(r"^\d{1,3}(\.\d{3})*$|^\d+$")


class FinancialObligationForm(NoteForm):
    """A request to pay a fee, charge or tax, with its amount in VND written as on a slip
    (1.000.000) or as plain digits."""

    serializer = FinancialObligationSerializer
    field_order = ["amount", "note"]

    amount = forms.CharField(
        label=_("Amount (VND)"),
        help_text=_("For example 1.000.000; leave empty if not known yet."),
        required=False,
        max_length=30,
    )

    def clean_amount(self) -> int | None:
        text = str(self.cleaned_data.get("amount") or "").strip().replace(" ", "")
        if not text:
            return None
        if not _AMOUNT.match(text):
            raise forms.ValidationError(
                _("Write the amount in digits, for example 1.000.000.")
            )
        return int(text.replace(".", ""))

    def body(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        return {**super().body(cleaned), "amount": cleaned.get("amount")}


class ApologiseForm(ActionForm):
    """The apology and the new appointment (Mẫu 04; NĐ 61/2018 Điều 17 khoản 4): the new
    date and time of day in Asia/Ho_Chi_Minh, and the reason for the delay."""

    serializer = ApologiseSerializer
    FIELDS: ClassVar[dict[str, str]] = {"new_due_at": "new_due_date"}

    new_due_date = forms.DateField(
        label=_("New appointment: date"),
        help_text=_("dd/mm/yyyy"),
        required=False,
        input_formats=["%d/%m/%Y"],
    )
    new_due_time = forms.TimeField(
        label=_("New appointment: time of day"),
        help_text=_("hh:mm, for example 16:30"),
        required=False,
        input_formats=["%H:%M"],
    )
    reason = forms.CharField(
        label=_("Reason for the delay"),
        help_text=_("Written on the apology the applicant receives."),
        required=False,
        widget=_textarea(),
    )

    def body(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        """The new appointment as the API takes it; without a date or a time there is
        none, and the serializer says it is required beside the date."""
        body = {**super().body(cleaned), "reason": cleaned.get("reason", "")}
        day: dt.date | None = cleaned.get("new_due_date")
        time: dt.time | None = cleaned.get("new_due_time")
        if day is not None and time is not None:
            body["new_due_at"] = dt.datetime.combine(
                day, time, tzinfo=VN_TZ
            ).isoformat()
        return body


#: result documents a page issues at once, each with its file; the API takes up to
#: ``limits.MAX_RESULTS``
RESULT_SLOTS = 3


class IssueResultForm(ActionForm):
    """The result documents issued (NĐ 45/2020 Điều 14 khoản 3), each coded
    ``<dossier code>-KQ(n)`` by the service, each with its electronic file if it has one:
    a result with a file is stored in the document store as an electronic result
    (``issue_result(files=)``; the file checked by its content and size there, before
    anything is written)."""

    serializer = IssueResultSerializer

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, RESULT_SLOTS + 1):
            self.fields[f"result_{n}"] = forms.CharField(
                label=_("Result document %(n)s") % {"n": n},
                help_text=_("Its name, as on the document.") if n == 1 else "",
                required=False,
                max_length=1000,
            )
            self.fields[f"file_{n}"] = forms.FileField(
                label=_("Electronic file of result %(n)s") % {"n": n},
                help_text=_("PDF or a scan; optional: a result on paper has none."),
                required=False,
            )

    def filled(self) -> list[int]:
        """The slots with a result named, in order."""
        return [
            n
            for n in range(1, RESULT_SLOTS + 1)
            if str(self.cleaned_data.get(f"result_{n}") or "").strip()
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        for n in range(1, RESULT_SLOTS + 1):
            if (
                cleaned.get(f"file_{n}")
                and not str(cleaned.get(f"result_{n}") or "").strip()
            ):
                self.add_error(
                    f"result_{n}", _("Name the result document this file is.")
                )
        return super().clean()

    def body(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        return {
            **super().body(cleaned),
            "results": [str(cleaned[f"result_{n}"]) for n in self.filled()],
        }

    def field_of(self, key: str | None) -> str | None:
        """``results`` is the first slot; a service's ``files.<i>`` the file of the
        i-th result named."""
        if key == "results" or (key or "").startswith("results."):
            return "result_1"
        if key is not None and key.startswith("files."):
            index = key.split(".")[1]
            slots = self.filled()
            if index.isdigit() and int(index) < len(slots):
                return f"file_{slots[int(index)]}"
            return None
        return super().field_of(key)

    def files_of_results(self) -> list[list[Any]]:
        """One list per result named (empty for a result on paper), for ``files=``."""
        return [
            [upload] if (upload := self.cleaned_data.get(f"file_{n}")) else []
            for n in self.filled()
        ]

    def take(self, call: Call) -> Dossier:
        return services.issue_result(
            **call.common,
            results=call.data["results"],
            files=self.files_of_results(),
        )


class ReturnResultForm(ActionForm):
    """The result handed to the applicant, how and to whom (NĐ 61/2018 Điều 18)."""

    serializer = ReturnResultSerializer

    method = forms.ChoiceField(
        label=_("Returned"),
        required=False,
        choices=[("", _("As the applicant chose"))] + list(ReturnMethod.choices),
    )
    receiver = forms.CharField(label=_("Received by"), required=False, max_length=300)

    def body(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        body = {**super().body(cleaned), "receiver": cleaned.get("receiver", "")}
        if cleaned.get("method"):
            body["method"] = cleaned["method"]
        return body


#: the form of each kind of input: the body the API's endpoint takes. The applicant's own
#: resubmission is not an officer's act and has no form here.
FORM_OF_SERIALIZER: dict[type[TransitionSerializer], type[ActionForm]] = {
    TransitionSerializer: ActionForm,
    NoteSerializer: NoteForm,
    RequiredNoteSerializer: RequiredNoteForm,
    MissingSerializer: MissingForm,
    ReasonsSerializer: ReasonsForm,
    AssignSerializer: AssignForm,
    HandOverSerializer: HandOverForm,
    FinancialObligationSerializer: FinancialObligationForm,
    ApologiseSerializer: ApologiseForm,
    IssueResultSerializer: IssueResultForm,
    ReturnResultSerializer: ReturnResultForm,
}

#: the actions with a form: those whose endpoint's body has one
FORM_ACTIONS: tuple[str, ...] = tuple(
    action
    for action, endpoint in ENDPOINTS.items()
    if endpoint.serializer in FORM_OF_SERIALIZER
)


def form_class(action: str) -> type[ActionForm] | None:
    endpoint = ENDPOINTS.get(action)
    if endpoint is None:
        return None
    return FORM_OF_SERIALIZER.get(endpoint.serializer)


def action_of_slug(slug: str) -> str | None:
    """``request-supplement`` → ``request_supplement``, if that action has a form."""
    action = slug.replace("-", "_")
    return action if action in FORM_ACTIONS else None


def build_form(
    action: str,
    dossier: Dossier,
    officer: User,
    *,
    holder: Agency | None = None,
    data: Any = None,
    files: Any = None,
    initial: dict[str, Any] | None = None,
) -> ActionForm:
    """The form of ``action`` on ``dossier``, bound to ``data`` if given."""
    cls = form_class(action)
    if cls is None:
        raise LookupError(action)
    kwargs: dict[str, Any] = {"action": action, "dossier": dossier, "officer": officer}
    if cls is HandOverForm or issubclass(cls, HandOverForm):
        kwargs["holder"] = holder
    if initial is not None:
        kwargs["initial"] = dict(initial)
    return cls(data, files, **kwargs)


def typed_values(form: ActionForm) -> dict[str, Any]:
    """What the officer typed in a form, to offer again (without the version)."""
    names: Iterable[str] = (n for n in form.fields if n != "expected_version")
    return {name: form.data.get(form.add_prefix(name), "") for name in names}
