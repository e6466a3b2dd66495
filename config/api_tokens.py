"""API tokens for integrations: django-rest-knox's tokens, stored as a digest, with expiry.

Only the SHA-512 digest of a token is stored (knox), with its first 15 characters (``token_key``) to find
it and to name it in ``manage.py api_token list`` and ``revoke``; the plaintext is shown once, when it is
made. Revoking deletes the row. Clients send ``Authorization: Token <token>``.

With a shared cache (``CACHE_URL``), a token that passed the check is remembered in it for
``SAMBANG_API_AUTH_CACHE_SECONDS`` (default 60), under its digest, with its user (every field but the
password), role groups and hosts: an integration polling the API is then answered without a database
query. When the cache cannot be reached, tokens are checked in the database as without it. The entries are a ``config.versioned_cache.VersionedCache``: any committed change to a token, a
user, a group, a user's groups or a host membership (``watch_access``) makes every entry useless at once,
so a revoked token, a deactivated user or a role taken away is refused on the very next request, as
without the cache. The token's expiry is checked on every request. Only writes that send no signal
(``QuerySet.update``, ``bulk_create``, raw SQL; Sambang makes none to these tables) wait for the entry to
expire.
"""

import binascii
import contextlib
import datetime as dt
import functools
import hashlib
import logging
from hmac import compare_digest

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework import exceptions

from config.versioned_cache import CACHE_ERRORS, VersionedCache

logger = logging.getLogger(__name__)

# Entries are ``(version, (token values, user values, role groups, host ids))`` in ``_remembered`` order.
TOKENS = VersionedCache("sambang:api-auth:version", "sambang:api-auth:token1:")


def remembering() -> bool:
    """True when tokens that passed are remembered in the cache (``SAMBANG_API_AUTH_CACHE_SECONDS`` > 0)."""
    return settings.SAMBANG_API_AUTH_CACHE_SECONDS > 0


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's token authentication, telling an expired token apart from an unknown or revoked one.

    knox deletes an expired token when it is presented and then calls it merely invalid; here it stays
    (``api_token list`` shows it as expired) and the client reads why it was refused. Either way: 401.
    """

    def authenticate_credentials(self, token: bytes):
        """The ``(user, AuthToken)`` for ``token``; raises ``AuthenticationFailed`` (401) when the token is
        unknown, revoked or expired, or its user is inactive. No query when the token is remembered (see
        the module's docstring); else one (``candidates``), and the token is remembered if it passes."""
        try:
            text = token.decode("ascii")
            digest = hash_token(text)
        except (UnicodeDecodeError, TypeError, binascii.Error):
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        version = None
        if remembering():
            try:
                version, entry = TOKENS.read(_entry_key(digest))
            except CACHE_ERRORS as exc:
                # One line: the throttle logs the outage's traceback once per request already.
                logger.warning("API token cache unreachable (%s); checking the token in the database", exc)
                entry = None
            if entry is not None:
                return self._checked(_recalled(entry))
        for auth_token in candidates(text[: CONSTANTS.TOKEN_KEY_LENGTH]):
            if not compare_digest(digest, auth_token.digest):
                continue
            passed = self._checked(auth_token)
            if remembering() and version is not None:
                with contextlib.suppress(*CACHE_ERRORS):
                    TOKENS.write(
                        _entry_key(digest),
                        version,
                        _remembered(auth_token),
                        settings.SAMBANG_API_AUTH_CACHE_SECONDS,
                    )
            return passed
        raise exceptions.AuthenticationFailed(_("Invalid token: it does not exist or has been revoked."))

    def _checked(self, auth_token: AuthToken):
        if auth_token.expiry is not None and auth_token.expiry <= timezone.now():
            raise exceptions.AuthenticationFailed(_("This token has expired; ask for a new one."))
        return self.validate_user(auth_token)


@functools.cache
def _remembered_fields() -> tuple[list, list]:
    """The token's concrete fields and the user's, but its password (never copied to the cache)."""
    user_fields = [f for f in get_user_model()._meta.concrete_fields if f.attname != "password"]
    return list(AuthToken._meta.concrete_fields), user_fields


def _entry_key(digest: str) -> str:
    """The cache key of a token's entry: its digest, after a short hash of the entry's layout (the token's
    and user's field names), so that during an upgrade that adds a field, a process never reads an entry
    written by the other version with its values in the wrong places."""
    return f"{_layout()}:{digest}"


@functools.cache
def _layout() -> str:
    token_fields, user_fields = _remembered_fields()
    names = ",".join(f.attname for f in [*token_fields, *user_fields])
    return hashlib.sha256(names.encode()).hexdigest()[:12]


def _remembered(auth_token: AuthToken) -> tuple:
    """What the cache keeps of a token that passed: its values, its user's (no password), the user's role
    groups and hosts (read now when not primed: two queries off PostgreSQL)."""
    from visits.roles import role_groups
    from visits.scoping import host_ids

    token_fields, user_fields = _remembered_fields()
    user = auth_token.user
    hosts = host_ids(user)  # None for a superuser, who sees every host whatever is kept
    return (
        tuple(getattr(auth_token, f.attname) for f in token_fields),
        tuple(getattr(user, f.attname) for f in user_fields),
        tuple(sorted(role_groups(user))),
        tuple(sorted(hosts or ())),
    )


def _recalled(entry: tuple) -> AuthToken:
    """The token and its user from a cache entry (``_remembered``), with role groups and hosts primed.
    The user's password is a deferred field: read from the database only if something asks for it, and
    a ``save()`` of this user writes only the fields it holds."""
    from visits.scoping import prime_access

    token_values, user_values, roles, hosts = entry
    token_fields, user_fields = _remembered_fields()
    auth_token = AuthToken.from_db(connection.alias, [f.attname for f in token_fields], token_values)
    user = get_user_model().from_db(connection.alias, [f.attname for f in user_fields], user_values)
    prime_access(user, role_groups=roles, hosts=hosts)
    auth_token.user = user
    return auth_token


def access_changed(*_args, using: str | None = None, action: str | None = None, **kwargs) -> None:
    """Signal receiver: a token, user, group, user's groups or host membership changed, so every
    remembered token is checked against the database again once the transaction commits. A login's
    ``last_login`` save and the ``pre_*`` steps of a many-to-many change are not changes of access."""
    if not remembering() or (action is not None and not action.startswith("post_")):
        return
    if set(kwargs.get("update_fields") or ()) == {"last_login"}:
        return
    TOKENS.changed(using=using)


def watch_access() -> None:
    """Connect ``access_changed`` to every write that can change who a token is and what it may do
    (``visits.apps``): tokens, users, groups, user–group links and host memberships."""
    from django.contrib.auth.models import Group
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from visits.models import HostMembership

    user_model = get_user_model()
    for model in (AuthToken, user_model, Group, HostMembership):
        label = model._meta.label
        post_save.connect(access_changed, sender=model, dispatch_uid=f"api-auth-save-{label}")
        post_delete.connect(access_changed, sender=model, dispatch_uid=f"api-auth-delete-{label}")
    through = user_model.groups.through
    m2m_changed.connect(access_changed, sender=through, dispatch_uid="api-auth-user-groups")


def candidates(token_key: str) -> list[AuthToken]:
    """The stored tokens whose first 15 characters are ``token_key`` (normally one), each with its user.

    On PostgreSQL one query also reads the user's role groups and hosts (``_candidates_sql``) and keeps them
    on the user (``visits.scoping.prime_access``): an API request then needs no query of its own for its
    role and scoping. Elsewhere the ORM reads token and user, and the role and hosts come when first asked.
    """
    if connection.vendor != "postgresql":
        return list(AuthToken.objects.filter(token_key=token_key).select_related("user"))
    from visits.roles import GROUPS
    from visits.scoping import prime_access

    sql, token_fields, user_fields = _candidates_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(GROUPS), token_key])
        rows = cursor.fetchall()
    found = []
    for row in rows:
        split = len(token_fields)
        auth_token = AuthToken.from_db(connection.alias, token_fields, row[:split])
        user = get_user_model().from_db(connection.alias, user_fields, row[split : split + len(user_fields)])
        prime_access(user, role_groups=row[-2], hosts=row[-1])
        auth_token.user = user
        found.append(auth_token)
    return found


@functools.cache
def _candidates_sql() -> tuple[str, list[str], list[str]]:
    """The SQL of ``candidates`` on PostgreSQL (built once from the models' metadata) and the attribute
    names of its token and user columns, in order. Parameters: the role group names, the token key.

    Measured by bench/api_load.py: the ORM's two ``ARRAY(SELECT …)`` annotations cost about 1 ms of
    Python per request to compile, more than the rest of a cached visit-list page.
    """
    from visits.models import HostMembership

    user_model = get_user_model()
    groups = user_model.groups.field
    token_meta, user_meta = AuthToken._meta, user_model._meta
    group_meta, membership = groups.related_model._meta, HostMembership._meta
    token_fields, user_fields = list(token_meta.concrete_fields), list(user_meta.concrete_fields)
    # Identifiers only, from the models' metadata and quoted; every value is a parameter.
    q = connection.ops.quote_name
    name = {
        "token": q(token_meta.db_table),
        "token_key": q(token_meta.get_field("token_key").column),
        "token_user": q(token_meta.get_field("user").column),
        "user": q(user_meta.db_table),
        "user_pk": q(user_meta.pk.column),
        "group": q(group_meta.db_table),
        "group_pk": q(group_meta.pk.column),
        "group_name": q(group_meta.get_field("name").column),
        "user_groups": q(groups.remote_field.through._meta.db_table),
        "user_groups_user": q(groups.m2m_column_name()),
        "user_groups_group": q(groups.m2m_reverse_name()),
        "membership": q(membership.db_table),
        "membership_user": q(membership.get_field("user").column),
        "membership_host": q(membership.get_field("host").column),
    }
    columns = [f"t.{q(f.column)}" for f in token_fields] + [f"u.{q(f.column)}" for f in user_fields]
    sql = (  # noqa: S608 - identifiers from model metadata, values as parameters
        "SELECT {columns}, "
        "ARRAY(SELECT g.{group_name} FROM {group} g JOIN {user_groups} ug ON ug.{user_groups_group} = g.{group_pk}"
        " WHERE ug.{user_groups_user} = u.{user_pk} AND g.{group_name} = ANY(%s)), "
        "ARRAY(SELECT h.{membership_host} FROM {membership} h WHERE h.{membership_user} = u.{user_pk}) "
        "FROM {token} t JOIN {user} u ON u.{user_pk} = t.{token_user} WHERE t.{token_key} = %s"
    ).format(columns=", ".join(columns), **name)
    return sql, [f.attname for f in token_fields], [f.attname for f in user_fields]


class TokenScheme(KnoxTokenScheme):
    """The OpenAPI security scheme of ``TokenAuthentication``: ``Authorization: Token <token>``."""

    target_class = "config.api_tokens.TokenAuthentication"
    name = "tokenAuth"


def api_token_create(*, user, expires_in: dt.timedelta | None) -> tuple[AuthToken, str]:
    """Make a token for ``user`` that expires after ``expires_in`` (``None``: never).

    Returns the stored row (digest only) and the plaintext token, which is not kept anywhere and cannot
    be shown again.
    """
    return AuthToken.objects.create(user=user, expiry=expires_in)


def api_token_revoke(*, token_key: str) -> int:
    """Revoke (delete) every token whose ``token_key`` (the first 15 characters) is ``token_key``.

    Returns how many were revoked (0 when none matched). Requests with it answer 401 from then on.
    """
    deleted, _per_model = AuthToken.objects.filter(token_key=token_key).delete()
    return deleted
