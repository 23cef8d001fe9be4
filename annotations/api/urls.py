"""REST API routes of the annotation app (mounted under /api/)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from annotations.api import catalogue, exports, groups, proposals, replies, trash, views

router = SimpleRouter()
router.register("label-sets", catalogue.LabelSetViewSet, basename="label-set")
router.register("labels", catalogue.LabelViewSet, basename="label")
router.register("articles", catalogue.ArticleViewSet, basename="article")
router.register("revisions", catalogue.RevisionViewSet, basename="revision")

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
    # The annotation's IRI: its container's plus its id (Web Annotation Protocol §5.1); the next route is its alias.
    path(
        "articles/<int:article_id>/annotations/<int:pk>",
        views.ContainedAnnotationView.as_view(),
        name="article-annotation",
    ),
    path("annotations/<int:pk>/", views.AnnotationDetailView.as_view(), name="annotation-detail"),
    path("annotations/<int:pk>/moderation/", views.AnnotationModerationView.as_view(), name="annotation-moderation"),
    path("annotations/<int:pk>/trash/", trash.AnnotationTrashView.as_view(), name="annotation-trash"),
    path("annotations/<int:pk>/restore/", trash.AnnotationRestoreView.as_view(), name="annotation-restore"),
    path("annotations/<int:pk>/proposals/", proposals.AnnotationProposalsView.as_view(), name="annotation-proposals"),
    path("proposals/<int:pk>/accept/", proposals.ProposalAcceptView.as_view(), name="proposal-accept"),
    path("proposals/<int:pk>/decline/", proposals.ProposalDeclineView.as_view(), name="proposal-decline"),
    path("annotations/<int:pk>/replies/", replies.AnnotationRepliesView.as_view(), name="annotation-replies"),
    path("replies/<int:pk>/", replies.ReplyDetailView.as_view(), name="reply-detail"),
    path("groups/", groups.GroupListView.as_view(), name="group-list"),
    path("groups/<int:pk>/", groups.GroupDetailView.as_view(), name="group-detail"),
    path("groups/<int:pk>/members/", groups.GroupMembersView.as_view(), name="group-members"),
    path("groups/<int:pk>/members/<int:user_id>/", groups.GroupMemberDetailView.as_view(), name="group-member-detail"),
    path("", include(router.urls)),
]
