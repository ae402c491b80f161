"""Every change to a dossier: one function per action, one transaction, one event.

Views, API views, commands and tasks call these; nothing else sets ``Dossier.status``
(STYLE). Each function takes keyword-only arguments and the acting user as ``actor`` (a
person, or ``permissions.SYSTEM`` for the system's own acts), and goes through the shared
path of ``shared.py``: the action's row in ``workflow.RULES`` says who may take it, from
which states, and what it does to the clock and the process steps; the function sets its
own fields explicitly and records its event with a constructor of ``events``.

The package follows the dossier's life: ``intake`` (submitted, received, returned for
completion, refused), ``processing`` (appraisal, hand-overs, supplements, obligations,
approval, apology, withdrawal, stop, deadline flags) and ``results`` (issued, returned,
settled on the spot). Legal sources per function are in their docstrings; the overall flow
is spec 02 §2–9 and docs/workflow.md.
"""

from motcua.dossiers.services.intake import (
    Applicant,
    Intake,
    Paper,
    missing_components,
    receive_dossier,
    refuse_dossier,
    request_intake_supplement,
    resubmit_dossier,
    submit_online,
)
from motcua.dossiers.services.processing import (
    apologise,
    approve_dossier,
    assign_dossier,
    confirm_financial_obligation,
    hand_over_dossier,
    receive_supplement,
    record_deadline_flag,
    request_financial_obligation,
    request_supplement,
    return_from_agency,
    send_back_dossier,
    stop_dossier,
    submit_for_approval,
    transfer_dossier,
    withdraw_dossier,
)
from motcua.dossiers.services.results import (
    ResultDocument,
    issue_result,
    resolve_on_the_spot,
    return_result,
)

__all__ = [
    "Applicant",
    "Intake",
    "Paper",
    "ResultDocument",
    "apologise",
    "approve_dossier",
    "assign_dossier",
    "confirm_financial_obligation",
    "hand_over_dossier",
    "issue_result",
    "missing_components",
    "receive_dossier",
    "receive_supplement",
    "record_deadline_flag",
    "refuse_dossier",
    "request_financial_obligation",
    "request_intake_supplement",
    "request_supplement",
    "resolve_on_the_spot",
    "resubmit_dossier",
    "return_from_agency",
    "return_result",
    "send_back_dossier",
    "stop_dossier",
    "submit_online",
    "submit_for_approval",
    "transfer_dossier",
    "withdraw_dossier",
]
