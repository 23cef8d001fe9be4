"""Request-level permissions. Object rules (creator, moderators, staff) live in the services."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission


class IsStaffOrReadOnly(BasePermission):
    """Anyone reads; only staff write (label sets and labels)."""

    message = "Only staff may change label sets."

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or bool(request.user and request.user.is_staff)


class IsAuthenticatedOrReadOnly(BasePermission):
    message = "Sign in (session or token) to change annotations."

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or bool(request.user and request.user.is_authenticated)


class IsAuthenticated(BasePermission):
    message = "Sign in (session or token) to see your groups."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated)
