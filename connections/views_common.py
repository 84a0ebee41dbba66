"""Helpers shared by the list and detail pages of the connections app."""

from django.core.paginator import Paginator
from django.shortcuts import render

PAGE_SIZE = 50


def paginate(request, queryset, per_page=PAGE_SIZE):
    """Return the page of `queryset` named by the `page` query parameter.

    A missing, invalid or too large page number gives the first or last page
    instead of an error.
    """
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def not_found(request, message, *, back_url=None, back_label=None):
    """Render a 404 page that explains what was not found and where to go."""
    ctx = {"message": message, "back_url": back_url, "back_label": back_label}
    return render(request, "connections/not_found.html", ctx, status=404)


def filter_chips(request, form):
    """Return a chip for each valid, non-empty filter of a bound FilterForm.

    Each chip carries the field's label, the chosen value as shown in the
    form, and the query string without that filter (and without `page`).
    """
    if not form.is_bound:
        return []
    cleaned = (
        form.cleaned_data if form.is_valid() else getattr(form, "cleaned_data", {})
    )
    chips = []
    for name, field in form.fields.items():
        value = cleaned.get(name)
        if value in (None, "", [], ()) or name in form.errors:
            continue
        query = request.GET.copy()
        query.pop(name, None)
        query.pop("page", None)
        chips.append(
            {
                "label": field.label or name,
                "value": form.chip_value(name, value),
                "remove_query": query.urlencode(),
            }
        )
    return chips
