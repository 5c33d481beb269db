"""The admin goes through the same scoping as the pages (ADR 0001): outside it, 404.

Every registered `ModelAdmin` mixes in `ScopedAdminMixin` and every inline
`ScopedInlineMixin` (tests/accounts/test_admin_scope.py walks the registry). Rows come from
the model's `visible_to(user)`; changing, deleting and reverting need `writable_by(user)`;
a foreign key offers only the related objects the user may write. A model whose queryset
cannot answer these questions (groups, django-axes' login records) belongs to no township
and is shown to the superuser alone.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.http import Http404


def ask(queryset, question: str, user):
    """`queryset.<question>(user)`; deny by default where the model cannot answer."""
    method = getattr(queryset, question, None)
    if method is not None:
        return method(user)
    return queryset if user.is_superuser else queryset.none()


class ScopedChoicesMixin:
    # The question of the related model's queryset that limits a relation's choices, by
    # field name. By default `writable_by`: linking to an object is a change within it.
    choice_questions: dict[str, str] = {}

    def _choices(self, db_field, request, kwargs):
        if "queryset" not in kwargs:
            question = self.choice_questions.get(db_field.name, "writable_by")
            # Django's own choice: the related admin's ordering, if it has one.
            queryset = self.get_field_queryset(kwargs.get("using"), db_field, request)
            if queryset is None:
                queryset = db_field.related_model._default_manager.using(kwargs.get("using")).all()
            kwargs["queryset"] = ask(queryset, question, request.user)
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = self._choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs = self._choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedInlineMixin(ScopedChoicesMixin):
    def get_queryset(self, request):
        return ask(super().get_queryset(request), "visible_to", request.user)


class ScopedAdminMixin(ScopedChoicesMixin):
    def get_queryset(self, request):
        # Also the autocomplete view's source: it searches the related model's admin.
        return ask(super().get_queryset(request), "visible_to", request.user)

    def _writable(self, request, pk) -> bool:
        return ask(self.model._default_manager.all(), "writable_by", request.user).filter(pk=pk).exists()

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self._writable(request, obj.pk))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self._writable(request, obj.pk))

    def _get_in_scope_or_404(self, request, object_id):
        # Django's own answer to a missing object is a redirect to the index, which tells
        # an id that exists from one that does not.
        try:
            obj = self.get_queryset(request).filter(pk=object_id).first()
        except (ValueError, TypeError):
            obj = None
        if obj is None:
            raise Http404
        return obj

    def _still_writable_or_403(self, request, pk) -> None:
        """Refuse a save that moved the object out of the user's reach (a unit without a
        parent, an account without a role in scope); the caller's transaction rolls back."""
        if not self._writable(request, pk):
            raise PermissionDenied

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._still_writable_or_403(request, form.instance.pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._get_in_scope_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._get_in_scope_or_404(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._get_in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """django-simple-history's view of an old version, whose POST reverts to it.

        Routed only by `SimpleHistoryAdmin`. Its own check asks for view permission only
        and loads the version without scoping.
        """
        obj = self._get_in_scope_or_404(request, object_id)
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        with transaction.atomic(using=router.db_for_write(self.model)):
            response = super().history_form_view(request, object_id, version_id, extra_context)
            self._still_writable_or_403(request, obj.pk)
        return response
