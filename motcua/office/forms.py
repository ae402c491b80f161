"""The officers' forms. Errors are said beside the field they are about (and again in the
summary at the top of the page, ``office/_form.html``), so the login's refusal is put on the
password, where the officer retypes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from motcua.accounts.choices import AccountKind
from motcua.accounts.models import User
from motcua.core.renderers import KeptHtml
from motcua.dossiers.choices import Channel
from motcua.dossiers.workflow import OPEN_STATUSES, DossierStatus

#: the design system's class of each kind of input
_INPUT_CLASSES: dict[type[forms.Widget], str] = {
    forms.Select: "govuk-select",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.Textarea: "govuk-textarea",
}


#: Django's select with its options written in place (the same HTML): a select of many
#: options otherwise includes two templates for each
_SELECT_TEMPLATE = "office/widgets/select.html"


class KeptSelect(KeptHtml, forms.Select):
    """Django's select written by ``_SELECT_TEMPLATE``, its HTML kept by what it is
    rendered from (``core.renderers.KeptHtml``). A bound field names its widget type
    after the class (``BoundField.widget_type``: ``keptselect``, not ``select``);
    nothing here reads it."""

    template_name = _SELECT_TEMPLATE

    @classmethod
    def like(cls, select: forms.Select) -> KeptSelect:
        """A kept select with the state of ``select``: its attributes, choices and what
        its field set on it (required, localised)."""
        kept = cls(attrs=select.attrs, choices=select.choices)
        kept.is_required = select.is_required
        kept.is_localized = select.is_localized
        return kept


def _is_plain_select(widget: forms.Widget) -> bool:
    """A select that renders with Django's own templates and holds no state of its own
    but the attributes, choices and what its field sets, which ``KeptSelect`` writes
    out and keeps."""
    return (
        type(widget) is forms.Select
        and widget.template_name == forms.Select.template_name
        and widget.option_template_name == forms.Select.option_template_name
        and set(vars(widget)) <= {"attrs", "_choices", "is_required", "is_localized"}
    )


class DesignSystemFormMixin:
    """Gives each input the design system's class, and an input with an error
    ``aria-invalid`` and ``aria-describedby`` naming the error beside it
    (``office/_field.html``), so a screen reader reads the error with the field."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = _INPUT_CLASSES.get(type(field.widget), "govuk-input")
            field.widget.attrs["class"] = css
            if _is_plain_select(field.widget):
                # a choice field sets its choices on the widget it holds: this one
                field.widget = KeptSelect.like(field.widget)

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        errors: dict[str, Any] = getattr(self, "_errors", None) or {}
        if errors:
            # the error summary takes the focus (GOV.UK Frontend's ErrorSummary), not a field
            for field in self.fields.values():
                field.widget.attrs.pop("autofocus", None)
        for name in errors:
            if name in self.fields:
                bound = self[name]  # type: ignore[index]
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{bound.auto_id}_error"


class OfficerLoginForm(DesignSystemFormMixin, AuthenticationForm):
    """Django's login form, which authenticates through every backend (django-axes' lockout
    first, ``AUTHENTICATION_BACKENDS``), for officer accounts only: a citizen's account
    signs in on the citizens' pages, not here."""

    error_messages = {
        "invalid_login": _(
            "The username or password is wrong. Both are case-sensitive."
        ),
        "inactive": _("This account is disabled."),
        "not_officer": _("This sign-in is for officers; this account is not one."),
    }

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError as error:
            if error.code == "invalid_login":
                # beside the password, where the officer will type again
                self.add_error("password", error)
                return self.cleaned_data
            raise

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not isinstance(user, User) or user.kind != AccountKind.OFFICER:
            raise ValidationError(
                self.error_messages["not_officer"], code="not_officer"
            )


def _open_status_choices() -> list[tuple[str, StrOrPromise]]:
    choices: list[tuple[str, StrOrPromise]] = [("", _("All open dossiers"))]
    choices += [
        (status.value, status.label)
        for status in DossierStatus
        if status in OPEN_STATUSES
    ]
    return choices


class OfficerPasswordChangeForm(DesignSystemFormMixin, PasswordChangeForm):
    """Django's password change, its inputs in the design system's style."""


class QueueFilterForm(DesignSystemFormMixin, forms.Form):
    """The filters of the officer's queue, read from the query string: a value it cannot
    read is refused with its error, never ignored (as ``dossiers.api.filtersets``)."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_open_status_choices
    )
    procedure = forms.ChoiceField(label=_("Procedure"), required=False)
    channel = forms.TypedChoiceField(
        label=_("Channel"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All channels")), *Channel.choices],
    )

    def __init__(
        self, *args: Any, procedures: Sequence[tuple[str, str]] = (), **kwargs: Any
    ) -> None:
        """``procedures``: (national code, name) of the procedures the queue holds
        (``selectors.queue_procedures``)."""
        super().__init__(*args, **kwargs)
        field = self.fields["procedure"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [("", _("All procedures"))] + [
            (code, f"{name} ({code})") for code, name in procedures
        ]
