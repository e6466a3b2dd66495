"""What every service shares: the errors, the longest visit, and how staff override a booking's warnings."""

import datetime as dt

from django.utils.translation import gettext as _

from ..conflicts import ConflictReport, Finding

# A visit lasts at most this long. Kunjungan kerja, studi komparasi and courtesy calls take hours or a
# few days; two weeks leaves room for a long study tour, while a window of months or years is a typing
# error (2037 for 2027) that would hold a room and its officials for as long.
MAX_VISIT_LENGTH = dt.timedelta(days=14)

# The warnings ``conflicts.check_booking`` gives (its module docstring): the codes staff may override
# with a reason. Any other code in ``overrides`` is a mistake of the client.
WARNING_CODES = frozenset(
    {
        "holiday",
        "weekend",
        "not_reception_day",
        "outside_office_hours",
        "short_notice",
        "friday_prayer",
        "over_capacity",
        "delegation_elsewhere",
    }
)


class ServiceError(Exception):
    """A request that cannot be carried out as asked; ``str()`` is a message for the user."""


class BookingConflict(ServiceError):
    """A booking that breaks a hard scheduling rule; ``report`` (a ``conflicts.ConflictReport``) says which."""

    def __init__(self, report):
        self.report = report
        super().__init__(report.error_text())  # each sentence once; ``report.errors`` keeps every finding


def visit_length_problem(start: dt.datetime, end: dt.datetime) -> str | None:
    """The message when a visit from ``start`` to ``end`` (aware) lasts longer than ``MAX_VISIT_LENGTH``,
    else None. A window that ends before it starts is left to ``conflicts.check_booking``."""
    if end - start > MAX_VISIT_LENGTH:
        return _("A visit lasts at most %(days)s days; this one would last %(length)s days.") % {
            "days": MAX_VISIT_LENGTH.days,
            "length": f"{round((end - start) / dt.timedelta(days=1), 1):g}",
        }
    return None


def override_problems(overrides) -> dict[str, str]:
    """What is wrong with ``overrides`` as a client sent it ({warning code: reason}): {code: message} for
    every code that is not a warning of ``conflicts.check_booking`` and every reason that is not a
    non-blank string. Empty when all is well."""
    if not isinstance(overrides, dict):
        return {"overrides": _("Give the reasons as an object of {warning code: reason}.")}
    problems = {}
    for code, reason in overrides.items():
        if code not in WARNING_CODES:
            problems[str(code)] = _("“%(code)s” is not a warning code; known codes: %(codes)s.") % {
                "code": code,
                "codes": ", ".join(sorted(WARNING_CODES)),
            }
        elif not isinstance(reason, str) or not reason.strip():
            problems[code] = _("Give the reason as text.")
    return problems


def require_reasons_for_warnings(report: ConflictReport, overrides: dict[str, str]) -> None:
    """Add a ``reason_required`` error to ``report`` for every warning that ``overrides`` ({code: reason})
    gives no reason for: staff may go ahead despite a warning only with a recorded reason."""
    for finding in report.warnings:
        if not (overrides.get(finding.code) or "").strip():
            report.errors.append(
                Finding(
                    "reason_required",
                    _("Give a reason to go ahead despite: %(warning)s") % {"warning": finding.message},
                    item=finding.item,
                    day=finding.day,
                )
            )


def accepted_warnings(report: ConflictReport, overrides: dict[str, str]) -> list[dict]:
    """The warnings as stored on the visit (``Visit.booking_warnings``), each with the reason staff gave
    in ``overrides`` (or '' when none was given)."""
    return [
        {**finding.as_dict(), "reason": (overrides.get(finding.code) or "").strip()}
        for finding in report.warnings
    ]


def reasons_missing(report: ConflictReport, overrides: dict[str, str]) -> list[str]:
    """The codes of the warnings in ``report`` that ``overrides`` gives no reason for, in report order."""
    missing = []
    for finding in report.warnings:
        if not (overrides.get(finding.code) or "").strip() and finding.code not in missing:
            missing.append(finding.code)
    return missing
