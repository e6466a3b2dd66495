"""The audit log: who changed what in visits, delegations, messages and reports, and when.

django-auditlog writes one ``LogEntry`` per create, update and delete of a registered model, with the
changed fields' old and new values. This module is its one place of configuration:

- ``register()`` (called from ``visits.apps.VisitsConfig.ready``) registers the models;
- ``AuditlogMiddleware`` records the user behind a page or an API call as the actor;
- Celery tasks run with no actor, so their changes (a message sent, a reminder queued) read as the system;
- ``visit_audit_entries`` and ``AuditEntrySerializer`` give one visit's trail to the API and the page.
"""

from auditlog.context import auditlog_value, set_actor
from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from celery.signals import task_postrun, task_prerun
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.utils.functional import SimpleLazyObject
from django.utils.text import capfirst
from rest_framework import serializers

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


def _shown(value, labels: dict) -> str | None:
    return None if value in (None, "None") else str(labels.get(value, value))


def audit_changes(entry) -> list[tuple[str, str | None, str | None]]:
    """The changed fields of ``entry`` for a page: ``(label, old, new)`` with the field's verbose name and
    a choice's label; ``None`` for no value. A related row is shown by its id, so a page of entries reads
    no other row (django-auditlog's ``changes_display_dict`` fetches each one)."""
    model = entry.content_type.model_class()
    rows = []
    for name, (old, new) in entry.changes_dict.items():
        try:
            field = model._meta.get_field(name) if model else None
        except FieldDoesNotExist:
            field = None
        verbose = getattr(field, "verbose_name", None)
        labels = dict(field.flatchoices) if getattr(field, "choices", None) else {}
        rows.append((str(capfirst(verbose)) if verbose else name, _shown(old, labels), _shown(new, labels)))
    return rows


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
