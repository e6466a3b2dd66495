"""Calendar feeds: the public subscription URL (token) and the staff page that creates and revokes feeds."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from delegations.models import Delegation

from .enums import FeedKind
from .ical import calendar_bytes, feed_calendar
from .models import CalendarFeed, Institution, Official, Venue
from .permissions import ProtocolStaffRequiredMixin
from .scoping import scope_to_hosts
from .selectors import feed_visits
from .services import ServiceError, calendar_feed_create, calendar_feed_revoke, feed_token_hash


def feed_ics(request, token: str) -> HttpResponse:
    """``GET /feeds/<token>.ics``: the feed's calendar, or 404 for an unknown or revoked token."""
    feed = (
        CalendarFeed.objects.select_related("host", "official", "venue", "delegation__institution")
        .filter(token_hash=feed_token_hash(token), revoked_at__isnull=True)
        .first()
    )
    if feed is None:
        raise Http404(_("No such calendar feed."))
    name = f"{feed.host.name}: {feed.label or feed.get_kind_display()}"
    body = calendar_bytes(feed_calendar(visits=feed_visits(feed=feed), name=name))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="sambang.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


class FeedListView(ProtocolStaffRequiredMixin, View):
    """List feeds, create one (its URL is shown once), revoke one."""

    template_name = "visits/feeds.html"

    def choices(self) -> dict:
        """What the user may pick, each narrowed to their hosts: hosts, officials, venues, delegations."""
        user = self.request.user
        return {
            "host": scope_to_hosts(Institution.objects.filter(officials__isnull=False), user, field="pk"),
            "official": scope_to_hosts(Official.objects.select_related("institution"), user, "institution"),
            "venue": scope_to_hosts(Venue.objects.select_related("institution"), user, "institution"),
            "delegation": scope_to_hosts(
                Delegation.objects.select_related("institution"), user, field="visits__host"
            ),
        }

    def context(self, **extra) -> dict:
        choices = self.choices()
        return {
            "feeds": scope_to_hosts(
                CalendarFeed.objects.select_related("host", "official", "venue", "delegation__institution"),
                self.request.user,
            ),
            "hosts": choices["host"].distinct(),
            "kinds": FeedKind.choices,
            "officials": choices["official"],
            "venues": choices["venue"],
            "delegations": choices["delegation"].distinct(),
            **extra,
        }

    def get(self, request):
        return render(request, self.template_name, self.context())

    def post(self, request):
        choices = self.choices()

        def pick(field):
            # Another host's id reads as an unknown one: 404.
            value = request.POST.get(field) or None
            return (
                get_object_or_404(choices[field].distinct(), pk=value) if value and value.isdigit() else None
            )

        host = pick("host")
        if host is None:
            messages.error(request, _("Choose the host."))
            return redirect("feeds")
        try:
            feed, token = calendar_feed_create(
                host=host,
                kind=request.POST.get("kind", ""),
                official=pick("official"),
                venue=pick("venue"),
                delegation=pick("delegation"),
                label=request.POST.get("label", "")[:200],
                by=request.user,
            )
        except ServiceError as exc:
            messages.error(request, str(exc))
            return redirect("feeds")
        url = request.build_absolute_uri(f"/feeds/{token}.ics")
        return render(
            request,
            self.template_name,
            self.context(new_feed=feed, new_url=url, new_webcal="webcal://" + url.split("://", 1)[1]),
        )


class FeedRevokeView(ProtocolStaffRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        feed = get_object_or_404(scope_to_hosts(CalendarFeed.objects.all(), request.user), pk=pk)
        calendar_feed_revoke(feed=feed, by=request.user)
        messages.success(request, _("The feed is revoked; its address no longer works."))
        return redirect("feeds")
