"""REST API routes of the annotation app (mounted under /api/)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from annotations.api import exports, proposals, trash, views

router = SimpleRouter()
router.register("label-sets", views.LabelSetViewSet, basename="label-set")
router.register("labels", views.LabelViewSet, basename="label")
router.register("articles", views.ArticleViewSet, basename="article")
router.register("revisions", views.RevisionViewSet, basename="revision")

urlpatterns = [
    path(
        "articles/<int:article_id>/annotations/",
        views.ArticleAnnotationsView.as_view(),
        name="article-annotations",
    ),
    path(
        "articles/<int:article_id>/annotations/bulk/",
        views.ArticleAnnotationsBulkView.as_view(),
        name="article-annotations-bulk",
    ),
    path("articles/<int:article_id>/export/", exports.ArticleExportView.as_view(), name="article-export"),
    path("exports/", exports.ExportView.as_view(), name="annotations-export"),
    path("imports/", exports.ImportView.as_view(), name="annotations-import"),
    path("annotations/<int:pk>/", views.AnnotationDetailView.as_view(), name="annotation-detail"),
    path("annotations/<int:pk>/moderation/", views.AnnotationModerationView.as_view(), name="annotation-moderation"),
    path("annotations/<int:pk>/trash/", trash.AnnotationTrashView.as_view(), name="annotation-trash"),
    path("annotations/<int:pk>/restore/", trash.AnnotationRestoreView.as_view(), name="annotation-restore"),
    path("annotations/<int:pk>/proposals/", proposals.AnnotationProposalsView.as_view(), name="annotation-proposals"),
    path("proposals/<int:pk>/accept/", proposals.ProposalAcceptView.as_view(), name="proposal-accept"),
    path("proposals/<int:pk>/decline/", proposals.ProposalDeclineView.as_view(), name="proposal-decline"),
    path("annotations/<int:pk>/replies/", views.AnnotationRepliesView.as_view(), name="annotation-replies"),
    path("replies/<int:pk>/", views.ReplyDetailView.as_view(), name="reply-detail"),
    path("groups/", views.GroupListView.as_view(), name="group-list"),
    path("groups/<int:pk>/", views.GroupDetailView.as_view(), name="group-detail"),
    path("groups/<int:pk>/members/", views.GroupMembersView.as_view(), name="group-members"),
    path("groups/<int:pk>/members/<int:user_id>/", views.GroupMemberDetailView.as_view(), name="group-member-detail"),
    path("", include(router.urls)),
]
