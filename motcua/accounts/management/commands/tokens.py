"""``motcua tokens``: API tokens of machine clients (docs/decisions/0008).

``motcua tokens create --user USERNAME [--name LABEL] [--expires dd/mm/yyyy]``
    Make a token and print its key once: only a digest of it is kept. Without
    ``--expires`` the token works until revoked.
``motcua tokens list [--user USERNAME]``
    Every token: its id (the key's first 15 characters), account, name, made, expires.
``motcua tokens revoke ID``
    Revoke the token with that id; its key is refused from then on.

Bad input exits with code 2 and a message naming the argument at fault; nothing changes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import formats
from django.utils.translation import gettext as _

from motcua.accounts.models import ApiToken, User
from motcua.accounts.services import TokenError, create_api_token, revoke_api_token
from motcua.workdays.clock import VN_TZ

NAME_LENGTH = 100  # ApiToken.name


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def _parse_day(raw: str) -> dt.date:
    try:
        return dt.datetime.strptime(raw, "%d/%m/%Y").replace(tzinfo=VN_TZ).date()
    except ValueError:
        raise _fail(
            _("--expires: %(value)r is not a date; write dd/mm/yyyy, e.g. 31/12/2026.")
            % {"value": raw}
        ) from None


def _user(raw: str) -> User:
    try:
        return User.objects.get(username=raw)
    except User.DoesNotExist:
        raise _fail(_("--user: no account %(value)r.") % {"value": raw}) from None


def _moment(value: dt.datetime | None) -> str:
    if value is None:
        return "-"
    return formats.date_format(value.astimezone(VN_TZ), "d/m/Y H:i")


class Command(BaseCommand):
    help = "Make, list and revoke the API tokens of machine clients."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="Make a token and print its key.")
        create.add_argument("--user", required=True, metavar="USERNAME")
        create.add_argument("--name", default="", metavar="LABEL")
        create.add_argument("--expires", metavar="DD/MM/YYYY")
        listing = actions.add_parser("list", help="List the tokens.")
        listing.add_argument("--user", metavar="USERNAME")
        revoke = actions.add_parser("revoke", help="Revoke a token.")
        revoke.add_argument("id", metavar="ID")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options)
        elif action == "list":
            self._list(options)
        else:
            self._revoke(options["id"])

    def _create(self, options: dict[str, Any]) -> None:
        user = _user(options["user"])
        name: str = options["name"].strip()
        if len(name) > NAME_LENGTH:
            raise _fail(
                _("--name: at most %(count)d characters.") % {"count": NAME_LENGTH}
            )
        expires = options["expires"]
        try:
            token, key = create_api_token(
                user=user,
                name=name,
                expires_on=_parse_day(expires) if expires else None,
                actor=None,
            )
        except TokenError as error:
            raise _fail(f"--{error.field}: {error.message}") from None
        self.stdout.write(
            _("Token %(id)s made for %(user)s. Its key, shown only this once:")
            % {"id": token.token_key, "user": user.username}
        )
        self.stdout.write(key)

    def _list(self, options: dict[str, Any]) -> None:
        tokens = ApiToken.objects.select_related("user").order_by(
            "user__username", "created"
        )
        if options["user"]:
            tokens = tokens.filter(user=_user(options["user"]))
        for token in tokens:
            self.stdout.write(
                "\t".join(
                    [
                        token.token_key,
                        token.user.username,
                        token.name or "-",
                        _moment(token.created),
                        _moment(token.expiry),
                    ]
                )
            )

    def _revoke(self, raw: str) -> None:
        found = list(ApiToken.objects.filter(token_key=raw)[:2])
        if not found:
            raise _fail(_("ID: no token %(value)r.") % {"value": raw})
        if len(found) > 1:
            raise _fail(
                _("ID: %(value)r names more than one token; revoke it in the admin.")
                % {"value": raw}
            )
        revoke_api_token(token=found[0], actor=None)
        self.stdout.write(_("Token %(id)s revoked.") % {"id": raw})
