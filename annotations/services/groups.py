"""Groups and their members."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify

from annotations.errors import Conflict, Forbidden, NotFound
from annotations.models import Annotation, Group, Membership
from annotations.services.base import (
    Visibility,
    _Errors,
    _int_or_none,
    _is_authenticated,
)

# --- groups -----------------------------------------------------------------------


def _group_for(user, group_id: int) -> tuple[Group, str | None]:
    group = Group.objects.filter(pk=group_id).first() if _int_or_none(group_id) else None
    role = (
        Membership.objects.filter(user_id=user.pk, group_id=group_id).values_list("role", flat=True).first()
        if group and _is_authenticated(user)
        else None
    )
    if group is None or (role is None and not (_is_authenticated(user) and user.is_staff)):
        raise NotFound(f"Group {group_id} does not exist.")
    return group, role


def group_create(*, user, name: str, slug: str = "", description: str = "") -> Group:
    """Create a group; its creator becomes its owner."""
    if not _is_authenticated(user):
        raise Forbidden("Sign in to create a group.")
    errors = _Errors()
    name = (name or "").strip()
    if not name:
        errors.add("name", "A group needs a name.", "required")
    elif len(name) > 100:
        errors.add("name", "The name is too long (at most 100 characters).", "max_length")
    slug = slugify(slug or name, allow_unicode=True)[:100]
    if name and not slug:
        errors.add("slug", "Give the group a slug (letters, digits, hyphens).", "required")
    errors.raise_if_any()
    if Group.objects.filter(Q(name=name) | Q(slug=slug)).exists():
        raise Conflict(f"A group named '{name}' (or with slug '{slug}') already exists.", field="name")
    with transaction.atomic():
        group = Group.objects.create(name=name, slug=slug, description=description or "")
        Membership.objects.create(group=group, user=user, role=Membership.Role.OWNER)
    return group


def group_update(*, user, group_id: int, name: str | None = None, description: str | None = None) -> Group:
    group, role = _group_for(user, group_id)
    if role != Membership.Role.OWNER and not user.is_staff:
        raise Forbidden("Only the group's owners may change it.")
    if name is not None:
        name = name.strip()
        if not name or len(name) > 100:
            raise ValidationError({"name": ValidationError("A group name has 1 to 100 characters.", code="invalid")})
        if Group.objects.filter(name=name).exclude(pk=group.pk).exists():
            raise Conflict(f"A group named '{name}' already exists.", field="name")
        group.name = name
    if description is not None:
        group.description = description
    group.save()
    return group


def group_delete(*, user, group_id: int) -> None:
    group, role = _group_for(user, group_id)
    if role != Membership.Role.OWNER and not user.is_staff:
        raise Forbidden("Only the group's owners may delete it.")
    count = Annotation.objects.filter(group_id=group.pk, visibility=Visibility.GROUP).count()
    if count:
        raise Conflict(
            f"Group '{group.name}' still has {count} annotations shared only with it; make them public or private "
            f"first.",
            code="not_empty",
        )
    with transaction.atomic():
        # Public annotations only lose their group (and its moderators).
        Annotation.objects.filter(group_id=group.pk).update(
            group=None, version=F("version") + 1, modified=timezone.now(), modified_by=user
        )
        group.delete()


def membership_add(*, user, group_id: int, member, role: str = Membership.Role.MEMBER) -> Membership:
    """Add ``member`` (a user) to a group. Owners add any role; moderators add members."""
    group, my_role = _group_for(user, group_id)
    if role not in Membership.Role.values:
        raise ValidationError({"role": ValidationError(f"role must be one of {', '.join(Membership.Role.values)}.", code="invalid_choice")})
    allowed = user.is_staff or my_role == Membership.Role.OWNER or (my_role == Membership.Role.MODERATOR and role == Membership.Role.MEMBER)
    if not allowed:
        raise Forbidden("Owners add members with any role; moderators add plain members only.")
    if member is None:
        raise ValidationError({"user": ValidationError("No such user.", code="does_not_exist")})
    if Membership.objects.filter(group=group, user=member).exists():
        raise Conflict(f"{member} is already a member of {group}.", field="user")
    return Membership.objects.create(group=group, user=member, role=role)


def _owners_left(group: Group, excluding_user_id: int) -> int:
    return Membership.objects.filter(group=group, role=Membership.Role.OWNER).exclude(user_id=excluding_user_id).count()


def membership_update(*, user, group_id: int, member_id: int, role: str) -> Membership:
    group, my_role = _group_for(user, group_id)
    if my_role != Membership.Role.OWNER and not user.is_staff:
        raise Forbidden("Only the group's owners may change roles.")
    if role not in Membership.Role.values:
        raise ValidationError({"role": ValidationError(f"role must be one of {', '.join(Membership.Role.values)}.", code="invalid_choice")})
    membership = Membership.objects.filter(group=group, user_id=member_id).first()
    if membership is None:
        raise NotFound(f"User {member_id} is not a member of {group}.")
    if membership.role == Membership.Role.OWNER and role != Membership.Role.OWNER and not _owners_left(group, member_id):
        raise Conflict("A group needs at least one owner; make someone else owner first.", code="last_owner")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


def membership_remove(*, user, group_id: int, member_id: int) -> None:
    """Owners remove anyone, moderators remove plain members, and everyone may leave."""
    group, my_role = _group_for(user, group_id)
    membership = Membership.objects.filter(group=group, user_id=member_id).first()
    if membership is None:
        raise NotFound(f"User {member_id} is not a member of {group}.")
    allowed = (
        user.is_staff
        or member_id == user.pk
        or my_role == Membership.Role.OWNER
        or (my_role == Membership.Role.MODERATOR and membership.role == Membership.Role.MEMBER)
    )
    if not allowed:
        raise Forbidden("Owners remove anyone; moderators remove plain members; anyone may leave.")
    if membership.role == Membership.Role.OWNER and not _owners_left(group, member_id):
        raise Conflict("A group needs at least one owner; make someone else owner first.", code="last_owner")
    membership.delete()
