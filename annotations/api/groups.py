"""Groups and their members over HTTP: ``/api/groups/...``."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound as HTTPNotFound
from rest_framework.response import Response

from annotations import services
from annotations.api.base import (
    ERRORS,
    JSONAPIView,
)
from annotations.api.permissions import IsAuthenticated
from annotations.api.serializers import (
    ConflictErrorSerializer,
    GroupSerializer,
    MembershipInputSerializer,
    MembershipSerializer,
    RoleSerializer,
)
from annotations.models import Membership
from annotations.selectors import (
    groups_visible_to,
)

# --- groups ------------------------------------------------------------------------------------------------


def _roles(user) -> dict[int, str]:
    if not user.is_authenticated:
        return {}
    return dict(Membership.objects.filter(user=user).values_list("group_id", "role"))


class GroupListView(JSONAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="groups_list", summary="Your groups (staff: all)", responses={200: GroupSerializer(many=True)})
    def get(self, request):
        groups = groups_visible_to(request.user).order_by("name")
        return Response(GroupSerializer(groups, many=True, context={"roles": _roles(request.user)}).data)

    @extend_schema(
        operation_id="groups_create",
        summary="Create a group (you become its owner)",
        request=GroupSerializer,
        responses={201: GroupSerializer, 400: ERRORS[400], 409: ConflictErrorSerializer},
    )
    def post(self, request):
        serializer = GroupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        group = services.group_create(user=request.user, **serializer.validated_data)
        return Response(GroupSerializer(group, context={"roles": _roles(request.user)}).data, status=status.HTTP_201_CREATED)


class GroupDetailView(JSONAPIView):
    permission_classes = [IsAuthenticated]

    def _group(self, request, pk):
        group = groups_visible_to(request.user).filter(pk=pk).first()
        if group is None:
            raise HTTPNotFound(f"Group {pk} does not exist.")
        return group

    @extend_schema(operation_id="group_retrieve", responses={200: GroupSerializer, 404: ERRORS[404]})
    def get(self, request, pk: int):
        return Response(GroupSerializer(self._group(request, pk), context={"roles": _roles(request.user)}).data)

    @extend_schema(operation_id="group_partial_update", request=GroupSerializer, responses={200: GroupSerializer, **ERRORS})
    def patch(self, request, pk: int):
        serializer = GroupSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        group = services.group_update(user=request.user, group_id=pk, name=data.get("name"), description=data.get("description"))
        return Response(GroupSerializer(group, context={"roles": _roles(request.user)}).data)

    @extend_schema(operation_id="group_destroy", responses={204: None, **ERRORS, 409: ConflictErrorSerializer})
    def delete(self, request, pk: int):
        services.group_delete(user=request.user, group_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class GroupMembersView(JSONAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="group_members_list", responses={200: MembershipSerializer(many=True), 404: ERRORS[404]})
    def get(self, request, pk: int):
        if not groups_visible_to(request.user).filter(pk=pk).exists():
            raise HTTPNotFound(f"Group {pk} does not exist.")
        members = Membership.objects.filter(group_id=pk).select_related("user").order_by("user__username")
        return Response(MembershipSerializer(members, many=True).data)

    @extend_schema(
        operation_id="group_members_create",
        summary="Add a member (owners: any role; moderators: members)",
        request=MembershipInputSerializer,
        responses={201: MembershipSerializer, **ERRORS, 409: ConflictErrorSerializer},
    )
    def post(self, request, pk: int):
        serializer = MembershipInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.membership_add(
            user=request.user, group_id=pk, member=serializer.validated_data["user"], role=serializer.validated_data["role"]
        )
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


class GroupMemberDetailView(JSONAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="group_member_partial_update",
        summary="Change a member's role (owners)",
        request=RoleSerializer,
        responses={200: MembershipSerializer, **ERRORS, 409: ConflictErrorSerializer},
    )
    def patch(self, request, pk: int, user_id: int):
        serializer = RoleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.membership_update(
            user=request.user, group_id=pk, member_id=user_id, role=serializer.validated_data["role"]
        )
        return Response(MembershipSerializer(membership).data)

    @extend_schema(
        operation_id="group_member_destroy",
        summary="Remove a member (owners, moderators for members, or yourself to leave)",
        responses={204: None, **ERRORS, 409: ConflictErrorSerializer},
    )
    def delete(self, request, pk: int, user_id: int):
        services.membership_remove(user=request.user, group_id=pk, member_id=user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


