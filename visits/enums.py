"""Choices shared by models, services, the importer and the API."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionKind(models.TextChoices):
    PROVINCE = "provinsi", _("Province")
    REGENCY = "kabupaten", _("Regency")
    CITY = "kota", _("City")
    FOREIGN = "luar_negeri", _("Abroad")


class InstitutionKind(models.TextChoices):
    REGIONAL_GOVERNMENT = "pemda", _("Regional government")
    DPRD = "dprd", _("Regional parliament (DPRD)")
    AGENCY = "opd", _("Regional agency (OPD)")
    MINISTRY = "kementerian", _("Ministry or national agency")
    UNIVERSITY = "perguruan_tinggi", _("University")
    FOREIGN = "luar_negeri", _("Foreign institution")
    OTHER = "lainnya", _("Other")


class VisitKind(models.TextChoices):
    COMPARATIVE_STUDY = "studi_komparasi", _("Comparative study (studi komparasi)")
    STUDY_VISIT = "studi_banding", _("Study visit (studi banding)")
    WORKING_VISIT = "kunjungan_kerja", _("Working visit (kunjungan kerja)")
    AUDIENCE = "audiensi", _("Audience (audiensi)")
    COURTESY_CALL = "kunjungan_kehormatan", _("Courtesy call")
    OTHER = "lainnya", _("Other")


class VisitStatus(models.TextChoices):
    """The request workflow of a regional government's protocol office.

    requested (letter registered) → accepted, declined or forwarded (the leadership's *disposisi*) →
    scheduled → in progress → completed → reported; requested, accepted or scheduled → cancelled.
    """

    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted, to be scheduled")
    DECLINED = "declined", _("Declined")
    FORWARDED = "forwarded", _("Handed to an agency")
    SCHEDULED = "scheduled", _("Scheduled")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    REPORTED = "reported", _("Reported")
    CANCELLED = "cancelled", _("Cancelled")


# A visit in these states holds its rooms and officials' time.
HOLDS_ROOMS = frozenset(
    {VisitStatus.SCHEDULED, VisitStatus.IN_PROGRESS, VisitStatus.COMPLETED, VisitStatus.REPORTED}
)


class DispositionDecision(models.TextChoices):
    ACCEPT = "accept", _("Accept")
    DECLINE = "decline", _("Decline")
    FORWARD = "forward", _("Hand to an agency")


class OfficialRole(models.TextChoices):
    RECEIVING_OFFICIAL = "receiving_official", _("Receiving official")
    PRESENTER = "presenter", _("Presenter")
    RESOURCE_PERSON = "resource_person", _("Resource person")
    GUIDE = "guide", _("Guide")


class VenueKind(models.TextChoices):
    MEETING_ROOM = "meeting_room", _("Meeting room")
    HALL = "hall", _("Hall")
    LOBBY = "lobby", _("Lobby")
    SITE = "site", _("Site")
    OTHER = "other", _("Other")


class AgendaKind(models.TextChoices):
    ARRIVAL = "arrival", _("Arrival")
    REMARKS = "remarks", _("Remarks")
    PRESENTATION = "presentation", _("Presentation")
    DISCUSSION = "discussion", _("Discussion")
    CEREMONY = "ceremony", _("Ceremony")
    SITE_TOUR = "site_tour", _("Site tour")
    BREAK = "break", _("Break")
    MEAL = "meal", _("Meal")
    DEPARTURE = "departure", _("Departure")
    OTHER = "other", _("Other")


class MessageKind(models.TextChoices):
    INVITE = "invite", _("Invitation")
    UPDATE = "update", _("Update")
    CANCEL = "cancel", _("Cancellation")
    REMINDER = "reminder", _("Reminder")


class MessageStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (waiting for review)")
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Not sent (superseded)")


class FeedKind(models.TextChoices):
    HOST = "host", _("All visits of the host")
    OFFICIAL = "official", _("One official's visits")
    VENUE = "venue", _("One venue's visits")
    DELEGATION = "delegation", _("One delegation's visits")
