"""The audit log: who changed what in visits, delegations, messages and reports, and when.

django-auditlog writes one ``LogEntry`` per create, update and delete of a registered model, with the
changed fields' old and new values. This module is its one place of configuration:

- ``register()`` (called from ``visits.apps.VisitsConfig.ready``) registers the models;
- ``AuditlogMiddleware`` records the user behind a page or an API call as the actor;
- Celery tasks run with no actor, so their changes (a message sent, a reminder queued) read as the system;
- ``visit_audit_entries`` and ``AuditEntrySerializer`` give one visit's trail to the API and the page.
"""

import datetime as dt
import zoneinfo

from auditlog.cid import get_cid
from auditlog.context import auditlog_value, set_actor
from auditlog.diff import model_instance_diff
from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from celery.signals import task_postrun, task_prerun
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Model, Q, QuerySet
from django.db.models.signals import pre_save
from django.utils.functional import SimpleLazyObject
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy
from rest_framework import serializers

from visits.zones import zone_label

# Model → the field that ties its rows to a visit (stored with each entry, so the rows of a deleted
# object still find their visit), or None for the visit itself and the delegation (found by their key).
TRACKED = {
    "visits.Visit": None,
    "visits.AgendaItem": "visit",
    "visits.VisitOfficial": "visit",
    "visits.Disposition": "visit",
    "visits.ReplyLetter": "visit",
    "visits.Message": "visit",
    "delegations.Delegation": None,
    "delegations.Member": "delegation",
    "reports.Outcome": "visit",
    "reports.KeyPoint": "visit",
    "reports.FollowUp": "visit",
    "reports.Attendance": "visit",
    "reports.AgendaNote": "agenda_item",
    "reports.Quote": "visit",
    "reports.Photo": "visit",
    "reports.Document": "visit",
}

# Written on every save, so they would fill every entry without saying anything.
UNTRACKED_FIELDS = ["created_at", "updated_at"]


def register() -> None:
    """Register every model of ``TRACKED`` with django-auditlog (idempotent).

    Each entry stores only the model's link field (``serialized_data["fields"]``: ``visit``,
    ``delegation`` or ``agenda_item``) besides the changed fields; ``created_at`` and ``updated_at`` are
    never recorded (``UNTRACKED_FIELDS``).
    """
    for label, link in TRACKED.items():
        model = apps.get_model(label)
        if auditlog.contains(model):
            continue
        if link is None:
            auditlog.register(model, exclude_fields=UNTRACKED_FIELDS)
        else:
            auditlog.register(
                model,
                exclude_fields=UNTRACKED_FIELDS,
                serialize_data=True,
                serialize_kwargs={"fields": [link]},
            )


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """django-auditlog's middleware, with the actor read when an entry is written and the address trusted
    only from the connection.

    The stock middleware reads ``request.user`` when the request comes in, before DRF has authenticated a
    token, so API calls would have no actor; DRF sets the Django request's ``user`` once it has, so reading
    it at write time sees both session and token users. ``X-Forwarded-For`` is ignored, as in the API's
    throttling (``NUM_PROXIES = 0``): a client could write anything in it.
    """

    @staticmethod
    def _get_actor(request):
        def current_user():
            user = getattr(request, "user", None)
            return user if user is not None and user.is_authenticated else None

        return SimpleLazyObject(current_user)

    @staticmethod
    def _get_remote_addr(request):
        return request.META.get("REMOTE_ADDR")


def _write_entries(rows: list[Model], before: dict, action: int) -> int:
    """One ``LogEntry`` per row of ``rows`` whose registered fields differ from ``before[row.pk]`` (None:
    the row is new), written in one INSERT, as django-auditlog's own receivers would write them one by
    one. ``bulk_create`` sends no ``pre_save``, through which django-auditlog's ``set_actor`` context fills
    in the actor and address, so each entry is sent through ``pre_save`` first. Returns the entry count."""
    if not rows:
        return 0
    model = type(rows[0])
    if not auditlog.contains(model):
        return 0
    content_type = ContentType.objects.get_for_model(model)
    cid = get_cid()
    entries = []
    for row in rows:
        changes = model_instance_diff(before.get(row.pk), row)
        if not changes:
            continue
        entries.append(
            LogEntry(
                content_type=content_type,
                object_pk=str(row.pk),
                object_id=row.pk if isinstance(row.pk, int) else None,
                object_repr=str(row),
                serialized_data=LogEntry.objects._get_serialized_data_or_none(row),
                action=action,
                changes=changes,
                cid=cid,
            )
        )
    for entry in entries:
        pre_save.send(sender=LogEntry, instance=entry, raw=False, using=None, update_fields=None)
    LogEntry.objects.bulk_create(entries)
    return len(entries)


def audited_update(queryset: QuerySet, **values) -> int:
    """``queryset.update(**values)`` with one audit entry per row it changed (old and new values).

    ``QuerySet.update`` sends no signals, so django-auditlog would not see it. This reads the rows before
    (one query), updates, reads them again (one query; ``F()`` expressions resolved by the database) and
    writes the entries in one INSERT with the actor of the surrounding request, if any. Call it inside the
    transaction that holds the rows' locks when concurrent writers matter. Like a save, it also tells the
    API's visit list cache that the rows changed (``visits.api_cache.bulk_written``). Returns the updated
    row count.
    """
    from visits import api_cache

    model = queryset.model
    before = {row.pk: row for row in queryset}
    count = queryset.update(**values)
    api_cache.bulk_written(model, using=queryset.db)
    if before and auditlog.contains(model):
        after = list(model._default_manager.filter(pk__in=list(before)).order_by("pk"))
        _write_entries(after, before, LogEntry.Action.UPDATE)
    return count


def audit_updated(rows: list[Model], before: dict) -> int:
    """Record ``rows`` as updated from ``before`` (``{pk: the row as it was}``, copies taken before any
    change): for writes made with auditing off because their intermediate steps would read as changes
    (follow-ups parked at temporary positions while they are renumbered). Returns the entry count."""
    return _write_entries(list(rows), before, LogEntry.Action.UPDATE)


def audit_created(rows: list[Model]) -> int:
    """Record rows made by ``bulk_create`` (which sends no signals) as created: one entry per row with its
    field values, in one INSERT, with the actor of the surrounding request. ``rows`` must carry their
    primary keys (re-read them after ``bulk_create(..., ignore_conflicts=True)``). Returns the entry count.
    """
    return _write_entries(list(rows), {}, LogEntry.Action.CREATE)


# A task run in the caller (tests, CELERY_TASK_ALWAYS_EAGER) must not borrow the request's actor either.
_task_contexts: dict[str, tuple] = {}


@task_prerun.connect(dispatch_uid="sambang-audit-task-prerun")
def _task_without_actor(task_id=None, **kwargs):
    outer = auditlog_value.get(None)
    context = set_actor(None)
    context.__enter__()
    _task_contexts[task_id] = (context, outer)


@task_postrun.connect(dispatch_uid="sambang-audit-task-postrun")
def _task_done(task_id=None, **kwargs):
    context, outer = _task_contexts.pop(task_id, (None, None))
    if context is None:
        return
    context.__exit__(None, None, None)
    if outer is not None:
        auditlog_value.set(outer)


def visit_audit_entries(visit) -> QuerySet:
    """Every audit entry about ``visit``: the visit, its agenda, officials, dispositions, reply letters,
    messages, its delegation and members, and its report's parts; newest first, actors joined.

    Rows deleted since are included (their entries keep the link to the visit). Agenda notes are found
    through the agenda items ever recorded for the visit. Reads the content types (cached) and the agenda
    items' ids at once (one query); the entries themselves when evaluated (one query).
    """
    types = ContentType.objects.get_for_models(*(apps.get_model(label) for label in TRACKED))
    by_label = {f"{model._meta.app_label}.{model.__name__}": ct for model, ct in types.items()}
    linked_to_visit = [by_label[label] for label, link in TRACKED.items() if link == "visit"]
    agenda_item_ids = list(
        LogEntry.objects.filter(
            content_type=by_label["visits.AgendaItem"], serialized_data__fields__visit=visit.pk
        )
        .values_list("object_id", flat=True)
        .distinct()
    )
    condition = (
        Q(content_type=by_label["visits.Visit"], object_pk=str(visit.pk))
        | Q(content_type__in=linked_to_visit, serialized_data__fields__visit=visit.pk)
        | Q(
            content_type=by_label["reports.AgendaNote"],
            serialized_data__fields__agenda_item__in=agenda_item_ids,
        )
    )
    if visit.delegation_id is not None:
        condition |= Q(content_type=by_label["delegations.Delegation"], object_pk=str(visit.delegation_id))
        condition |= Q(
            content_type=by_label["delegations.Member"],
            serialized_data__fields__delegation=visit.delegation_id,
        )
    return (
        LogEntry.objects.filter(condition)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


def _shown(value, field, labels: dict, zone: str | None) -> str | None:
    if value in (None, "None"):
        return None
    text = str(value)
    if zone and isinstance(field, models.DateTimeField):
        # django-auditlog writes an aware datetime as its UTC wall time ("2025-04-25 02:00:00").
        try:
            moment = dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)
        except ValueError:
            return text
        local = moment.astimezone(zoneinfo.ZoneInfo(zone))
        return f"{local:%Y-%m-%d %H:%M} {zone_label(zone, moment)}"
    if isinstance(field, models.BooleanField) and text in ("True", "False"):
        return gettext("yes") if text == "True" else gettext("no")
    return str(labels.get(value, value))


def audit_changes(entry, zone: str | None = None) -> list[tuple[str, str | None, str | None]]:
    """The changed fields of ``entry`` for a page: ``(label, old, new)`` with the field's verbose name and
    a choice's label; ``None`` for no value; yes/no for a flag; a time in ``zone`` (an IANA name, such as
    the host's) with its WIB/WITA/WIT label when given. Only the model's own columns are shown (not the
    reverse relations that django-auditlog lists for a new row). A related row is shown by its id, so a
    page of entries reads no other row (django-auditlog's ``changes_display_dict`` fetches each one)."""
    model = entry.content_type.model_class()
    rows = []
    for name, (old, new) in entry.changes_dict.items():
        try:
            field = model._meta.get_field(name) if model else None
        except FieldDoesNotExist:
            field = None
        if field is not None and not getattr(field, "concrete", False):
            continue
        verbose = getattr(field, "verbose_name", None)
        labels = dict(field.flatchoices) if getattr(field, "choices", None) else {}
        rows.append(
            (
                str(capfirst(verbose)) if verbose else name,
                _shown(old, field, labels, zone),
                _shown(new, field, labels, zone),
            )
        )
    return rows


# How a page names each action (django-auditlog's own labels have no Indonesian translation).
ACTION_LABELS = {
    LogEntry.Action.CREATE: gettext_lazy("created"),
    LogEntry.Action.UPDATE: gettext_lazy("changed"),
    LogEntry.Action.DELETE: gettext_lazy("deleted"),
    LogEntry.Action.ACCESS: gettext_lazy("read"),
}


ACTIONS = {
    LogEntry.Action.CREATE: "create",
    LogEntry.Action.UPDATE: "update",
    LogEntry.Action.DELETE: "delete",
    LogEntry.Action.ACCESS: "access",
}


class AuditEntrySerializer(serializers.Serializer):
    """One audit entry as the API gives it."""

    id = serializers.IntegerField(source="pk")
    timestamp = serializers.DateTimeField()
    actor = serializers.SerializerMethodField(help_text="The username, or null for the system (a task).")
    action = serializers.SerializerMethodField(help_text="create, update or delete")
    object_type = serializers.SerializerMethodField(help_text="The model, such as visit or message.")
    object_id = serializers.CharField(source="object_pk")
    object_repr = serializers.CharField()
    changes = serializers.SerializerMethodField(
        help_text="Each changed field with its old and new value, as text ({field: [old, new]}; times in "
        'UTC, "None" for no value).'
    )
    remote_addr = serializers.IPAddressField(allow_null=True)

    def get_actor(self, entry) -> str | None:
        return entry.actor.get_username() if entry.actor_id else None

    def get_action(self, entry) -> str:
        return ACTIONS[entry.action]

    def get_object_type(self, entry) -> str:
        return entry.content_type.model

    def get_changes(self, entry) -> dict[str, list[str | None]]:
        return entry.changes_dict
