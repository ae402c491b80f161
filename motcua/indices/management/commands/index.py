"""``motcua index``: the Decision 766 index of a unit for a period.

``motcua index --unit IDENTIFIER --period 2024-Q1 [--subtree] [--procedure CODE]
[--field CODE] [--officer USERNAME] [--rank] [--json]``
    The period is a quarter (``2024-Q1``), a month (``2024-03``), a year (``2024``),
    ``now`` (the year to date, judged now), or ``--from dd/mm/yyyy --to dd/mm/yyyy``
    (both days included). ``--subtree`` counts the unit's whole subtree; ``--procedure``,
    ``--field`` and ``--officer`` narrow the dossiers (docs/decisions/0016); ``--rank``
    ranks the unit among its siblings; ``--explain 2.1`` lists the items behind the
    figure instead, each with why it counts (``+`` in the numerator, ``-`` not). ``--json`` prints, under ``indicators``, each
    indicator by id ("2.1") with its group, numerator, denominator, ratio (%), points
    and maximum, then each group's points, the total and the rating band.

``motcua index reconcile [--repair]``
    Recompute every dossier's contribution from the raw dossiers and events and compare
    with the maintained figures (``indices.live``), printing every difference; exit 1
    when there is one. ``--repair`` replaces the maintained figures by the
    recomputation.

``motcua index refresh [--follow]``
    Bring the maintained figures of the changed dossiers up to date (the reads do so
    too, a bounded number at a time); ``--follow`` keeps doing so, the background worker.

``motcua index portal-import FILE [--unit IDENTIFIER] [--period 2026-Q3]``
    Keep the figures the national portal published (the JSON of its evaluation pages,
    ``indices.portal``) for the unit and the period, which the file may name instead;
    ``GET /api/index/portal-comparison/`` sets them beside motcua's own. A file that does
    not parse changes nothing and exits 2 naming the field.

Bad input (an unknown unit, procedure, field or officer, a malformed period, definitions
that do not add up) exits
with code 2 and a message naming the argument; values are parsed here rather than by
argparse so that the exit code and message are the same from the shell and from
``call_command``; the reading of the unit and the period, and the JSON, are
``indices.periods``', shared with ``GET /api/index/``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.indices import live
from motcua.indices.choices import Band, Indicator, PortalGroup
from motcua.indices.explain import explain
from motcua.indices.limits import TooManyItems
from motcua.indices.loader import Scope
from motcua.indices.periods import (
    OPTIONS,
    QueryError,
    as_json,
    check_indicator,
    find_scope,
    find_unit,
    parse_period,
    resolve_period,
)
from motcua.indices.portal import PortalFile, PortalFileError, read_portal_file
from motcua.indices.selectors import IndexReport, compute_index, rank_among_siblings
from motcua.indices.services import (
    DefinitionError,
    import_portal_figures,
    points_text,
)

PORTAL_IMPORT = "portal-import"
RECONCILE = "reconcile"
REFRESH = "refresh"
#: ``refresh --follow``: how long to wait when nothing is behind
FOLLOW_PAUSE_SECONDS = 1.0
#: the largest portal file read: its answers for one unit and period are a few hundred KB
#: even with the tree of every unit of a province
MAX_PORTAL_FILE_BYTES = 32 * 2**20

#: ``--explain`` names the indicator option
EXPLAIN = dataclasses.replace(OPTIONS, indicator="--explain")


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = "Print the Decision 766 quality index of a unit for a period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action",
            nargs="?",
            choices=[PORTAL_IMPORT, RECONCILE, REFRESH],
            help=(
                "portal-import FILE: keep the national portal's figures; reconcile: "
                "compare the maintained figures with a recomputation; refresh: bring "
                "them up to date."
            ),
        )
        parser.add_argument(
            "file", nargs="?", help="The portal's JSON (portal-import)."
        )
        parser.add_argument(
            "--unit",
            metavar="IDENTIFIER",
            help="The unit (QCVN 102:2016 identifier, e.g. 000.00.00.H15).",
        )
        parser.add_argument(
            "--period", metavar="PERIOD", help="2024, 2024-03, 2024-Q1 or now."
        )
        parser.add_argument(
            "--from", dest="start", metavar="DD/MM/YYYY", help="First day, included."
        )
        parser.add_argument(
            "--to", dest="end", metavar="DD/MM/YYYY", help="Last day, included."
        )
        parser.add_argument(
            "--subtree", action="store_true", help="Count the unit's whole subtree."
        )
        parser.add_argument(
            "--procedure", metavar="CODE", help="Only this procedure's dossiers."
        )
        parser.add_argument("--field", metavar="CODE", help="Only this field's.")
        parser.add_argument(
            "--officer", metavar="USERNAME", help="Only those assigned to this officer."
        )
        parser.add_argument(
            "--rank", action="store_true", help="Rank the unit among its siblings."
        )
        parser.add_argument(
            "--explain",
            metavar="INDICATOR",
            help="List the items behind this indicator's figure, with their reasons.",
        )
        parser.add_argument("--json", action="store_true", help="Print JSON.")
        parser.add_argument(
            "--repair",
            action="store_true",
            help="reconcile: replace the maintained figures by the recomputation.",
        )
        parser.add_argument(
            "--follow",
            action="store_true",
            help="refresh: keep refreshing as dossiers change (a background worker).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == PORTAL_IMPORT:
            self._portal_import(options)
            return
        if options["action"] == RECONCILE:
            self._reconcile(repair=bool(options["repair"]))
            return
        if options["action"] == REFRESH:
            self._refresh(follow=bool(options["follow"]))
            return
        if options["file"] is not None:
            raise _fail(_("a file is read only by portal-import"))
        if not options["unit"]:
            raise _fail(_("--unit: required"))
        self._json = bool(options["json"])
        try:
            start, end = resolve_period(
                period=options["period"],
                start=options["start"],
                end=options["end"],
                spelling=OPTIONS,
            )
            unit = find_unit(options["unit"], spelling=OPTIONS)
            cut = {name: options[name] for name in ("procedure", "field", "officer")}
            scope = find_scope(**cut, spelling=OPTIONS)
            indicator = (
                None
                if options["explain"] is None
                else check_indicator(options["explain"], spelling=EXPLAIN)
            )
        except QueryError as error:
            raise _fail(f"{error.parameter}: {error.message}") from None
        try:
            report = compute_index(
                unit=unit,
                subtree=options["subtree"],
                start=start,
                end=end,
                scope=scope,
            )
            rank = rank_among_siblings(report) if options["rank"] else None
        except DefinitionError as error:
            raise _fail(
                _("definitions: %(message)s") % {"message": error.message}
            ) from None
        except TooManyItems as error:
            # the period's and the cut's options are what narrows it
            raise _fail(f"--period: {error.message}") from None
        if indicator is not None:
            self._explain(unit, options["subtree"], start, end, indicator, scope)
            return
        if options["json"]:
            printed = as_json(report, cut=cut, rank=rank)
            self.stdout.write(json.dumps(printed, ensure_ascii=False, indent=2))
            return
        self._print(report)
        if rank is not None:
            self.stdout.write(
                _("Rank among %(of)s sibling units: %(rank)s")
                % {"rank": rank.rank, "of": rank.of}
            )

    def _reconcile(self, *, repair: bool) -> None:
        """Every maintained cell that differs from the recomputation, one a line; exit
        1 when one does (and was not repaired)."""
        found = live.reconcile(repair=repair)
        for difference in found.differences:
            agency = difference.agency
            self.stdout.write(
                _(
                    "%(bucket)s agency %(agency)s indicator %(indicator)s: maintained "
                    "%(kept)s, recomputed %(recomputed)s"
                )
                % {
                    "bucket": difference.bucket,
                    "agency": agency,
                    "indicator": difference.indicator,
                    "kept": "/".join(map(str, difference.maintained)),
                    "recomputed": "/".join(map(str, difference.recomputed)),
                }
            )
        self.stdout.write(
            _(
                "%(dossiers)s dossiers, %(cells)s figures recomputed: %(differences)s "
                "differ, %(rows)s dossiers' kept contributions differ."
            )
            % {
                "dossiers": found.dossiers,
                "cells": found.cells,
                "differences": len(found.differences),
                "rows": len(found.dossiers_differing),
            }
        )
        if found.repaired:
            self.stdout.write(_("Repaired: the maintained figures are recomputed."))
        elif not found.clean:
            raise CommandError(
                _("the maintained figures differ from the recomputation"),
                returncode=1,
            )

    def _refresh(self, *, follow: bool) -> None:
        while True:
            done = live.refresh(limit=live.BATCH * 100)
            if done:
                self.stdout.write(
                    _("%(count)s dossiers brought up to date.") % {"count": done}
                )
            if not follow:
                return
            if not done:
                time.sleep(FOLLOW_PAUSE_SECONDS)

    def _explain(
        self,
        unit: Agency,
        subtree: bool,
        start: dt.date,
        end: dt.date,
        indicator: str,
        scope: Scope,
    ) -> None:
        try:
            entries = explain(
                unit=unit,
                subtree=subtree,
                start=start,
                end=end,
                indicator=indicator,
                scope=scope,
            )
        except TooManyItems as error:
            raise _fail(f"--explain: {error.message}") from None
        if self._json:
            self.stdout.write(
                json.dumps(
                    [dataclasses.asdict(entry) for entry in entries],
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        for entry in entries:
            mark = "+" if entry.in_numerator else "-"
            self.stdout.write(f"{mark} {entry.code}: {entry.reason}")

    def _portal_import(self, options: dict[str, Any]) -> None:
        name = options["file"]
        if not name:
            raise _fail(_("portal-import: name the file"))
        try:
            if Path(name).stat().st_size > MAX_PORTAL_FILE_BYTES:
                raise _fail(
                    _(
                        "%(file)s: larger than %(max)s MB; the portal's answers are small"
                    )
                    % {"file": name, "max": MAX_PORTAL_FILE_BYTES // 2**20}
                )
            with Path(name).open(encoding="utf-8") as stream:
                data = json.load(stream)
        except OSError as error:
            raise _fail(f"{name}: {error.strerror}") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise _fail(
                _("%(file)s: not JSON: %(error)s") % {"file": name, "error": error}
            ) from None
        try:
            figures = read_portal_file(data, unit=options["unit"])
            unit, start, end = self._portal_target(options, figures)
            kept = import_portal_figures(
                unit=unit,
                start=start,
                end=end,
                figures=figures,
                raw=data,
                source=Path(name).name,
            )
        except PortalFileError as error:
            raise _fail(f"{error.path or name}: {error.message}") from None
        except QueryError as error:
            raise _fail(f"{error.parameter}: {error.message}") from None
        self.stdout.write(
            _(
                "National portal figures for %(unit)s, %(start)s–%(end)s: "
                "%(indicators)s indicator(s), %(groups)s group(s), total %(total)s."
            )
            % {
                "unit": unit.identifier,
                "start": f"{start:%d/%m/%Y}",
                "end": f"{end:%d/%m/%Y}",
                "indicators": kept.indicators.count(),
                "groups": len(kept.groups),
                "total": "—" if kept.total is None else kept.total,
            }
        )

    @staticmethod
    def _portal_target(
        options: dict[str, Any], figures: PortalFile
    ) -> tuple[Agency, dt.date, dt.date]:
        """The unit and the period: the options', else the file's; both must agree."""
        identifier = options["unit"] or figures.unit
        if not identifier:
            raise QueryError(
                OPTIONS.unit, _("required: the file does not name the unit")
            )
        if options["unit"] and figures.unit and figures.unit != options["unit"]:
            raise QueryError(
                OPTIONS.unit,
                _("the file is for %(unit)s") % {"unit": figures.unit},
            )
        asked = options["period"] or options["start"] or options["end"]
        if asked:
            start, end = resolve_period(
                period=options["period"],
                start=options["start"],
                end=options["end"],
                spelling=OPTIONS,
            )
            if figures.period and parse_period(figures.period) != (start, end):
                raise QueryError(
                    OPTIONS.period,
                    _("the file is for the period %(period)s")
                    % {"period": figures.period},
                )
        elif figures.period:
            start, end = parse_period(figures.period)
        else:
            raise QueryError(
                OPTIONS.period, _("required: the file does not name the period")
            )
        return find_unit(identifier, spelling=OPTIONS), start, end

    def _print(self, report: IndexReport) -> None:
        self.stdout.write(
            f"{report.unit.name} · {report.start:%d/%m/%Y}–{report.end:%d/%m/%Y}"
        )
        for indicator, score in report.scores.items():
            if score.no_data:
                figures = _("no data")
            elif score.value is not None:
                figures = _("%(value)s working days") % {"value": score.value}
            else:
                figures = f"{score.numerator}/{score.denominator}"
            shown = "—" if score.points is None else f"{score.points}"
            self.stdout.write(
                f"  {indicator:<5} {Indicator(indicator).label}: {figures} → "
                f"{shown}/{points_text(score.max_points)}"
            )
        for group, points in sorted(report.groups.items()):
            maximum = points_text(report.group_max.get(group, Decimal(0)))
            self.stdout.write(
                f"{group}. {PortalGroup(group).label}: {points}/{maximum}"
            )
        band = "—" if report.band is None else Band(report.band).label
        self.stdout.write(
            _("Total: %(total)s · %(band)s") % {"total": report.total, "band": band}
        )
