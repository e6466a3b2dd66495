"""Staff pages of reports."""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("visits/<int:pk>/news/", views.NewsDraftView.as_view(), name="news"),
    path("visits/<int:pk>/news.txt", views.NewsDraftTextView.as_view(), name="news-txt"),
    path("visits/<int:pk>/news.html", views.NewsDraftHtmlView.as_view(), name="news-html"),
    path("visits/<int:pk>/outcome/", views.OutcomeView.as_view(), name="outcome"),
]
