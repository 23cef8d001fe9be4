"""Project pages under /projects/."""

from django.urls import path

from projects import views

app_name = "projects"
urlpatterns = [
    path("projects/", views.project_list, name="list"),
    path("projects/<int:pk>/", views.project_detail, name="detail"),
    path("projects/<int:pk>/articles/add/", views.project_add_articles, name="add-articles"),
    path("projects/<int:pk>/assign/", views.project_assign, name="assign"),
    path("projects/<int:pk>/agreement/", views.agreement, name="agreement"),
    path("projects/<int:pk>/agreement.csv", views.agreement_csv, name="agreement-csv"),
    path("projects/<int:pk>/agreement/disagreements/", views.disagreements, name="disagreements"),
    path("projects/<int:pk>/articles/<int:article_id>/open/", views.assignment_open, name="open"),
    path("projects/<int:pk>/articles/<int:article_id>/finish/", views.assignment_finish, name="finish"),
    path("projects/<int:pk>/articles/<int:article_id>/reopen/", views.assignment_reopen, name="reopen"),
    path("projects/<int:pk>/articles/<int:article_id>/curate/", views.curate, name="curate"),
    path("projects/<int:pk>/articles/<int:article_id>/curate/start/", views.curate_start, name="curate-start"),
    path("projects/<int:pk>/articles/<int:article_id>/curate/decide/", views.curate_decide, name="curate-decide"),
    path("projects/<int:pk>/articles/<int:article_id>/curate/finish/", views.curate_finish, name="curate-finish"),
]
