"""API tokens for integrations: django-rest-knox's tokens, stored as a digest, with expiry.

Only the SHA-512 digest of a token is stored (knox), with its first 15 characters (``token_key``) to find
it and to name it in ``manage.py api_token list`` and ``revoke``; the plaintext is shown once, when it is
made. Revoking deletes the row. Clients send ``Authorization: Token <token>``.
"""

import binascii
import datetime as dt
import functools
from hmac import compare_digest

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


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's token authentication, telling an expired token apart from an unknown or revoked one.

    knox deletes an expired token when it is presented and then calls it merely invalid; here it stays
    (``api_token list`` shows it as expired) and the client reads why it was refused. Either way: 401.
    """

    def authenticate_credentials(self, token: bytes):
        """The ``(user, AuthToken)`` for ``token``; raises ``AuthenticationFailed`` (401) when the token is
        unknown, revoked or expired, or its user is inactive."""
        try:
            text = token.decode("ascii")
            digest = hash_token(text)
        except (UnicodeDecodeError, TypeError, binascii.Error):
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        for auth_token in candidates(text[: CONSTANTS.TOKEN_KEY_LENGTH]):
            if not compare_digest(digest, auth_token.digest):
                continue
            if auth_token.expiry is not None and auth_token.expiry <= timezone.now():
                raise exceptions.AuthenticationFailed(_("This token has expired; ask for a new one."))
            return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(_("Invalid token: it does not exist or has been revoked."))


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
