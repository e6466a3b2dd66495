"""The API's one error format, and its description in the OpenAPI schema.

Every error answer of ``/api/v1/`` is a JSON object with ``detail``, one sentence for a person::

    {"detail": "Invalid token: it does not exist or has been revoked."}

Invalid input (400) adds ``errors``: each field (nested as the request is) with its messages::

    {"detail": "Some fields are invalid: start, items.", "errors": {"start": ["…"], "items": [{}, {"end": ["…"]}]}}

A few answers add their own details beside ``detail``: the visit file's ``problems`` (400, each with its
``path``), a booking clash's ``errors`` and ``warnings`` (409, each with its ``code``). A body over the
size limit answers 413 with ``detail`` (config.urls.bad_request).
"""

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, renderers

# rest_framework.views and drf_spectacular read the API settings, which name this module's renderer:
# they are imported where they are used, so that importing this module first does not go round in a circle.

NON_FIELD = "non_field_errors"


def _messages(value) -> list[str]:
    """Every message in a DRF error structure (a string, a list, or a dict of them), in order."""
    if isinstance(value, dict):
        return [m for item in value.values() for m in _messages(item)]
    if isinstance(value, list):
        return [m for item in value for m in _messages(item)]
    return [str(value)]


def _translated(value):
    """``value`` (a DRF error structure) with DRF's messages that DRF itself never translates (written as
    plain strings in its code) put in the user's language. Other messages are already translated."""
    if isinstance(value, dict):
        return {key: _translated(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_translated(item) for item in value]
    if getattr(value, "code", None) == "null" and str(value) == "No data provided":
        return exceptions.ErrorDetail(_("No data was sent."), code="null")
    return value


def error_body(data) -> dict:
    """``data``, an error body as DRF or a view wrote it, in the one shape: ``{"detail": …}`` as is; a dict of
    fields becomes ``{"detail": "Some fields are invalid: a, b.", "errors": data}``; a list of messages (or
    only ``non_field_errors`` or a ``detail`` list) becomes ``{"detail": "the messages"}``."""
    if isinstance(data, dict) and isinstance(data.get("detail"), str):
        return data
    general = {NON_FIELD, "detail"}
    if isinstance(data, dict) and set(data) - general:
        fields = [key for key in data if key not in general]
        detail = _("Some fields are invalid: %(fields)s.") % {"fields": ", ".join(fields)}
        if set(data) & general:
            detail = " ".join([*_messages([data[key] for key in data if key in general]), detail])
        return {"detail": detail, "errors": data}
    # Messages not tied to a field: the sentence is the whole answer.
    return {"detail": " ".join(_messages(data)) or _("Invalid input.")}


def exception_handler(exc, context):
    """DRF's exception handler, with validation errors written as ``{"detail", "errors"}`` (``error_body``).

    Other errors (401, 403, 404, 405, 409, 415, 429 …) keep DRF's ``{"detail": "…"}`` and its headers
    (``WWW-Authenticate``, ``Retry-After``); a 404 says only "Not found." (never the model's name), and an
    ``OverflowError`` (an id or date out of range) answers 400. Returns ``None`` for exceptions DRF does
    not handle, which then become Django's 500.
    """
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, Http404):
        # Django's message names the model ("No Visit matches the given query.") and is not translated.
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, OverflowError):
        # An id or date beyond what the database or Python's datetime holds ("?visit=9999…9", a move to
        # 31 December 9999): nothing was written (the transaction rolled back); the input is at fault.
        exc = OutOfRange()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body(_translated(response.data))
    request = context.get("request")
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is not None and renderer.media_type != "application/json":
        # A file endpoint (.pdf, .ics) that fails answers in JSON, not in a body labelled as the file.
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
    return response


class OutOfRange(exceptions.APIException):
    """400: a number or a date in the request is larger than what can be stored or computed."""

    status_code = 400
    default_code = "out_of_range"

    def __init__(self):
        super().__init__(_("A number or a date in the request is out of range."))


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSON renderer; a 4xx body that a view built by hand (``Response({"venue": [...]}, 400)``)
    is written in the one shape too (``error_body``), so no view can answer in another."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None and 400 <= response.status_code < 500 and data is not None:
            data = error_body(data)
        return super().render(data, accepted_media_type, renderer_context)


ERROR_COMPONENT = "Error"
# The answers every operation may give besides its own; an operation that documents one keeps its own.
COMMON_ERRORS = {
    "400": "Invalid input: `detail` says why, `errors` lists each field's messages.",
    "401": "No credentials, or an unknown, revoked or expired token.",
    "403": "Signed in, but this role may not do this.",
    "404": "No such object for this user (objects of another host answer 404 too).",
    "413": "The request body is over the size limit.",
    "429": "Too many requests: wait `Retry-After` seconds.",
    "503": "The request counter (the shared cache) cannot be reached: try again after `Retry-After` seconds.",
}


# A time of day as DRF writes it ("08:00:00"): wall-clock time in the host's zone, with no UTC offset.
LOCAL_TIME = {"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$"}


# Formats that an optional (blank) field leaves empty: "" is written for "no address".
MAY_BE_EMPTY = {"email", "uri"}


def _honest_formats(node) -> None:
    """Make the string formats under ``node`` say what the API writes, in place.

    ``format: time`` (RFC 3339 full-time, which needs a UTC offset) becomes ``LOCAL_TIME``: Sambang's times
    of day (office hours, the Friday window) are local wall-clock times. ``format: email`` and ``uri``
    also allow "": an optional address is stored and written empty (the input is still validated, and
    a field that needs one refuses "" with a 400)."""
    if isinstance(node, dict):
        if node.get("format") == "time":
            del node["format"]
            node.update(LOCAL_TIME)
        elif node.get("format") in MAY_BE_EMPTY and node.get("type") == "string":
            form = node.pop("format")
            node["anyOf"] = [{"format": form}, {"maxLength": 0}]
        for value in list(node.values()):
            _honest_formats(value)
    elif isinstance(node, list):
        for value in node:
            _honest_formats(value)


def postprocess_schema_errors(result, generator, request, public):
    """drf-spectacular hook: add the ``Error`` schema and the common error answers to every operation, and
    describe times of day and optional addresses as the API writes them (``_honest_formats``).

    Operations under ``/api/v1/`` get each of ``COMMON_ERRORS`` they do not document themselves, with the
    ``Error`` body; a documented error answer with no body (a description only) gets the ``Error`` body.
    Returns the changed schema dict.
    """
    from drf_spectacular.plumbing import build_basic_type, build_object_type
    from drf_spectacular.types import OpenApiTypes

    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas[ERROR_COMPONENT] = build_object_type(
        description="Every error answer: `detail` for a person; `errors` (400) for each field.",
        properties={
            "detail": build_basic_type(OpenApiTypes.STR),
            "errors": {
                "oneOf": [
                    {"type": "object", "additionalProperties": {}},
                    {"type": "array", "items": {}},
                ]
            },
        },
        required=["detail"],
    )
    _honest_formats(schemas)
    _honest_formats(result.get("paths", {}))
    reference = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/v1/"):
            continue
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for code, description in COMMON_ERRORS.items():
                responses.setdefault(code, {"description": description})
            for code, response in responses.items():
                if code.startswith("4") and "content" not in response:
                    response["content"] = {"application/json": {"schema": reference}}
    return result
