"""The delegation page, reachable only through its signed link."""

from django.urls import path

from . import views

urlpatterns = [
    path("d/<str:token>/", views.DelegationPageView.as_view(), name="delegation-page"),
    path("d/<str:token>/invitation.ics", views.delegation_page_ics, name="delegation-page-ics"),
]
