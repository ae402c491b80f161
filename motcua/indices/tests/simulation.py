"""Randomised dossier lifecycles through the services, for the maintained figures'
tests (``test_live.py``) and their long run (``MOTCUA_SIMULATION_LIFECYCLES=10000``).

Each lifecycle is drawn from a seeded generator: received at the counter or online on
a working morning of the second half of 2026, then one of: left open (running, or
paused for a supplement), finished after zero, one or two supplement rounds early or
late, withdrawn, stopped; a finished one's result returned or not; evaluated (liked
or not) or petitioned about. Between steps the maintained figures are sometimes brought
up to date (``live.refresh``), so that they are updated many times over a dossier's
life, not once at the end.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from motcua.dossiers import services
from motcua.dossiers.permissions import SYSTEM
from motcua.dossiers.tests.world import World, at
from motcua.indices import live
from motcua.indices.tests.test_index import _receive
from motcua.ratings import services as ratings
from motcua.ratings.choices import EvaluationChannel, PetitionCategory, Verdict

#: the simulated span: received from 1/7/2026 over this many days
SPAN_DAYS = 120


@dataclass
class Simulated:
    dossiers: int = 0
    finished: int = 0
    supplements: int = 0
    evaluations: int = 0
    petitions: int = 0
    refreshes: int = 0


def _morning(rng: random.Random) -> dt.datetime:
    """A working morning (Monday to Friday, 08:00–10:59) of the span."""
    while True:
        day = dt.date(2026, 7, 1) + dt.timedelta(days=rng.randrange(SPAN_DAYS))
        if day.weekday() < 5:
            return at(day.day, 8 + rng.randrange(3), rng.randrange(60), month=day.month)


def _maybe_refresh(rng: random.Random, report: Simulated) -> None:
    if rng.random() < 0.3:
        live.refresh()
        report.refreshes += 1


def lifecycle(world: World, rng: random.Random, number: int, report: Simulated) -> None:
    """One dossier's life (module docstring)."""
    when = _morning(rng)
    dossier = _receive(world, when, online=rng.random() < 0.3)
    when += dt.timedelta(minutes=30)  # handed to the specialist, as _receive does
    report.dossiers += 1
    _maybe_refresh(rng, report)
    fate = rng.random()
    if fate < 0.12:  # left open, running
        return
    rounds = 2 if fate < 0.2 else (1 if fate < 0.4 else 0)
    for _round in range(rounds):
        when += dt.timedelta(hours=1 + rng.randrange(20))
        dossier = services.request_supplement(
            dossier=dossier, missing=["Bản sao"], actor=world.specialist, at=when
        )
        report.supplements += 1
        _maybe_refresh(rng, report)
        if rng.random() < 0.1:  # still waiting for the applicant
            return
        when += dt.timedelta(hours=1 + rng.randrange(40))
        dossier = services.receive_supplement(
            dossier=dossier, actor=world.specialist, at=when
        )
    if fate > 0.95:
        when += dt.timedelta(hours=2)
        services.stop_dossier(
            dossier=dossier,
            reasons="Không đủ điều kiện",
            actor=world.leader,
            at=when,
        )
        return
    # finished between half a day and seven days later: early, on time or late
    when += dt.timedelta(hours=4 + rng.randrange(160))
    dossier = services.submit_for_approval(
        dossier=dossier, actor=world.specialist, at=when - dt.timedelta(minutes=2)
    )
    dossier = services.approve_dossier(
        dossier=dossier, actor=world.leader, at=when - dt.timedelta(minutes=1)
    )
    dossier = services.issue_result(
        dossier=dossier, results=["Giấy xác nhận"], actor=world.leader, at=when
    )
    report.finished += 1
    _maybe_refresh(rng, report)
    if rng.random() < 0.7:
        when += dt.timedelta(hours=1 + rng.randrange(48))
        dossier = services.return_result(dossier=dossier, actor=world.counter, at=when)
    if rng.random() < 0.25:
        when += dt.timedelta(hours=1 + rng.randrange(100))
        ratings.record_evaluation(
            dossier=dossier,
            at=when,
            channel=EvaluationChannel.NATIONAL_PORTAL,
            verdict=Verdict.UNSATISFIED if rng.random() < 0.4 else Verdict.SATISFIED,
            actor=SYSTEM,
        )
        report.evaluations += 1
    if rng.random() < 0.05:
        when += dt.timedelta(hours=1 + rng.randrange(100))
        ratings.record_petition(
            code=f"PA-SIM-{number:06d}",
            agency=world.commune,
            category=PetitionCategory.PROCEDURE,
            submitted_at=when,
            dossier=dossier,
            actor=SYSTEM,
        )
        report.petitions += 1
    _maybe_refresh(rng, report)


def simulate(world: World, lifecycles: int, *, seed: int = 766) -> Simulated:
    """``lifecycles`` dossier lifecycles through the services (module docstring)."""
    rng = random.Random(seed)  # noqa: S311 - a simulation, not a secret
    report = Simulated()
    for number in range(lifecycles):
        lifecycle(world, rng, number, report)
    return report
