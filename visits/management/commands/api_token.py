"""``manage.py api_token``: make, list and revoke API tokens for integrations (config.api_tokens).

    manage.py api_token create USERNAME [--expires-days N | --no-expiry]
    manage.py api_token list [--user USERNAME]
    manage.py api_token revoke TOKEN_ID

The token is printed once, by ``create``; only its digest is stored. ``TOKEN_ID`` is the token's first 15
characters, as ``list`` shows them.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from knox.models import AuthToken

from config.api_tokens import api_token_create, api_token_revoke


class Command(BaseCommand):
    help = "Create, list or revoke API tokens (sent as 'Authorization: Token <token>')."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Make a token for a user; it is printed once.")
        create.add_argument("username")
        lifetime = create.add_mutually_exclusive_group()
        default_days = settings.REST_KNOX["TOKEN_TTL"].days
        lifetime.add_argument(
            "--expires-days",
            type=int,
            default=default_days,
            help=f"Days until the token stops working (default {default_days}).",
        )
        lifetime.add_argument("--no-expiry", action="store_true", help="The token works until revoked.")
        listing = actions.add_parser("list", help="Every token: id, user, made, expires.")
        listing.add_argument("--user", help="Only this user's tokens.")
        revoke = actions.add_parser("revoke", help="Revoke a token by its id (its first 15 characters).")
        revoke.add_argument("token_id")

    def handle(self, *args, **options):
        getattr(self, f"handle_{options['action']}")(options)

    def handle_create(self, options):
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        if not user.is_active:
            raise CommandError(f"The user {user.username!r} is inactive; a token would not work.")
        if options["no_expiry"]:
            expires_in = None
        elif not 1 <= options["expires_days"] <= 3660:
            raise CommandError("--expires-days must be between 1 and 3660.")
        else:
            expires_in = dt.timedelta(days=options["expires_days"])
        row, token = api_token_create(user=user, expires_in=expires_in)
        expiry = row.expiry.isoformat(timespec="seconds") if row.expiry else "never"
        self.stdout.write(f"Token for {user.username} (id {row.token_key}, expires {expiry}):")
        self.stdout.write(token)
        self.stdout.write("It is shown only now: store it in the integration's secrets.")

    def handle_list(self, options):
        rows = AuthToken.objects.select_related("user").order_by("user__username", "created")
        if options["user"]:
            rows = rows.filter(user__username=options["user"])
        now = timezone.now()
        for row in rows:
            if row.expiry is None:
                state = "no expiry"
            elif row.expiry <= now:
                state = f"EXPIRED {row.expiry.isoformat(timespec='seconds')}"
            else:
                state = f"expires {row.expiry.isoformat(timespec='seconds')}"
            made = row.created.isoformat(timespec="seconds")
            self.stdout.write(f"{row.token_key}  {row.user.username}  made {made}  {state}")

    def handle_revoke(self, options):
        if api_token_revoke(token_key=options["token_id"]) == 0:
            raise CommandError(f"No token with id {options['token_id']!r}.")
        self.stdout.write(f"Revoked {options['token_id']}.")
        if not settings.CACHE_URL:
            # A server with CACHE_URL remembers tokens (config.api_tokens); this process cannot tell it.
            self.stderr.write(
                "Note: this command ran without CACHE_URL. A server that runs with it may accept the token "
                f"for up to {settings.SAMBANG_API_AUTH_CACHE_SECONDS or 60} more seconds; run manage.py in the "
                'server\'s environment (make prod-manage ARGS="api_token revoke …") to revoke at once.'
            )
