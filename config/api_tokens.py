"""API tokens for integrations: django-rest-knox's tokens, stored as a digest, with expiry.

Only the SHA-512 digest of a token is stored (knox), with its first 15 characters (``token_key``) to find
it and to name it in ``manage.py api_token list`` and ``revoke``; the plaintext is shown once, when it is
made. Revoking deletes the row. Clients send ``Authorization: Token <token>``.
"""

import binascii
import datetime as dt
from hmac import compare_digest

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
        candidates = AuthToken.objects.filter(token_key=text[: CONSTANTS.TOKEN_KEY_LENGTH]).select_related(
            "user"
        )
        for auth_token in candidates:
            if not compare_digest(digest, auth_token.digest):
                continue
            if auth_token.expiry is not None and auth_token.expiry <= timezone.now():
                raise exceptions.AuthenticationFailed(_("This token has expired; ask for a new one."))
            return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(_("Invalid token: it does not exist or has been revoked."))


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
