"""Account pages Django does not provide (mounted at /accounts/ before django.contrib.auth.urls)."""

from django.urls import path

from accounts import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
]
