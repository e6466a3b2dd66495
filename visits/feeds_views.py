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

    def context(self, **extra) -> dict:
        return {
            "feeds": CalendarFeed.objects.select_related(
                "host", "official", "venue", "delegation__institution"
            ),
            "hosts": Institution.objects.filter(officials__isnull=False).distinct(),
            "kinds": FeedKind.choices,
            "officials": Official.objects.select_related("institution"),
            "venues": Venue.objects.select_related("institution"),
            "delegations": Delegation.objects.select_related("institution"),
            **extra,
        }

    def get(self, request):
        return render(request, self.template_name, self.context())

    def post(self, request):
        def pick(model, field):
            value = request.POST.get(field) or None
            return get_object_or_404(model, pk=value) if value and value.isdigit() else None

        host = pick(Institution, "host")
        if host is None:
            messages.error(request, _("Choose the host."))
            return redirect("feeds")
        try:
            feed, token = calendar_feed_create(
                host=host,
                kind=request.POST.get("kind", ""),
                official=pick(Official, "official"),
                venue=pick(Venue, "venue"),
                delegation=pick(Delegation, "delegation"),
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
        calendar_feed_revoke(feed=get_object_or_404(CalendarFeed, pk=pk), by=request.user)
        messages.success(request, _("The feed is revoked; its address no longer works."))
        return redirect("feeds")
