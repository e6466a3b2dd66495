"""Staff pages of visits."""

from django.urls import path

from . import views

app_name = "visits"
urlpatterns = [
    path("", views.VisitListView.as_view(), name="list"),
    path("calendar/", views.CalendarView.as_view(), name="calendar"),
    path("visits/register/", views.VisitRegisterView.as_view(), name="register"),
    path("visits/<int:pk>/", views.VisitDetailView.as_view(), name="detail"),
    path(
        "visits/<int:pk>/send-invitations/", views.VisitSendInvitationsView.as_view(), name="send-invitations"
    ),
    path("visits/<int:pk>/send-drafts/", views.VisitDraftsSendView.as_view(), name="send-drafts"),
    path("visits/<int:pk>/delegation-link/", views.VisitDelegationLinkView.as_view(), name="delegation-link"),
    path("visits/<int:pk>/book/", views.VisitBookView.as_view(), name="book"),
    path("visits/<int:pk>/dispose/", views.VisitDisposeView.as_view(), name="dispose"),
    path("visits/<int:pk>/transition/", views.VisitTransitionView.as_view(), name="transition"),
    path("visits/<int:pk>/reply-letter/", views.VisitReplyLetterView.as_view(), name="reply-letter"),
    path(
        "visits/<int:pk>/reply-letter/<int:letter_pk>.pdf",
        views.VisitReplyLetterPdfView.as_view(),
        name="reply-letter-pdf",
    ),
    path("visits/<int:pk>/cancel/", views.VisitCancelView.as_view(), name="cancel"),
    path("visits/<int:pk>/reschedule/", views.VisitRescheduleView.as_view(), name="reschedule"),
    path("visits/<int:pk>/invitation.ics", views.VisitInvitationIcsView.as_view(), name="invitation-ics"),
    path("visits/<int:pk>/report.pdf", views.VisitReportPdfView.as_view(), name="report-pdf"),
    path("visits/<int:pk>/audit/", views.VisitAuditView.as_view(), name="audit"),
]
