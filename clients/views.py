from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError, models, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from clients.connection_check import check_connection
from clients.forms import (
    HttpClientForm,
    initial_for,
    initial_for_copy,
    initial_for_new,
)
from clients.models import HttpClient

PAGE_SIZE = 50
CHECK_MESSAGE_LEVELS = {
    "success": messages.SUCCESS,
    "warning": messages.WARNING,
    "danger": messages.ERROR,
}


def _get_client(code):
    return get_object_or_404(HttpClient, code=code)


def _protecting_objects(client):
    """Return (kind, object) pairs that must go before `client` can be deleted.

    The related models are found through Django's metadata, so this app does
    not import the apps that point at it.
    """
    found = []
    for relation in client._meta.related_objects:
        if relation.on_delete is models.PROTECT:
            kind = relation.related_model._meta.verbose_name
            related = getattr(client, relation.get_accessor_name()).all()
            found.extend((kind, item) for item in related)
    return found


def _save(request, form, client):
    """Save the form into `client`, then redirect to the page of the button.

    "Save" leads to the list and "Save and continue" back to the edit page.
    Returns None, with an error added to the form, when another client took
    the identifier in the meantime.
    """
    created = client.pk is None
    form.fill(client)
    try:
        with transaction.atomic():
            client.save()
    except IntegrityError:
        if not created:
            # Undo the unsaved values, so the page shows what is stored.
            client.refresh_from_db()
        form.add_error(
            "identifier",
            "Another HTTP client took this identifier while you were editing. "
            "Choose another one.",
        )
        return None

    verb = "created" if created else "saved"
    messages.success(request, f"HTTP client “{client.name}” was {verb}.")
    if "continue" in request.POST:
        return redirect("client_edit", code=client.code)
    return redirect("client_list")


def _render_form(request, form, client=None, source=None):
    prototype = form.prototype_value
    ctx = {
        "page": "clients",
        "form": form,
        "client": client,
        "source": source,
        "prototype_label": dict(HttpClient.Prototype.choices).get(prototype),
        "generic": prototype != HttpClient.Prototype.CENTRA_GRAPHQL,
    }
    return render(request, "clients/client_form.html", ctx)


def client_list(request):
    query = request.GET.get("q", "").strip()
    clients = HttpClient.objects.all()
    if query:
        clients = clients.filter(name__icontains=query)
    page_obj = Paginator(clients, PAGE_SIZE).get_page(request.GET.get("page"))

    ctx = {
        "page": "clients",
        "page_obj": page_obj,
        "query": query,
        "any_clients": HttpClient.objects.exists(),
    }
    return render(request, "clients/client_list.html", ctx)


def client_add(request):
    if request.method == "POST":
        form = HttpClientForm(request.POST)
        if form.is_valid():
            response = _save(request, form, HttpClient())
            if response:
                return response
        return _render_form(request, form)

    prototype = request.GET.get("prototype", "")
    if prototype not in HttpClient.Prototype.values:
        ctx = {
            "page": "clients",
            "prototypes": HttpClient.Prototype.choices,
            "unknown_prototype": prototype,
        }
        return render(request, "clients/client_add.html", ctx)
    form = HttpClientForm(initial=initial_for_new(prototype))
    return _render_form(request, form)


def client_edit(request, code):
    client = _get_client(code)
    if request.method == "POST":
        form = HttpClientForm(request.POST, instance=client)
        if form.is_valid():
            response = _save(request, form, client)
            if response:
                return response
    else:
        form = HttpClientForm(instance=client, initial=initial_for(client))
    return _render_form(request, form, client)


def client_duplicate(request, code):
    """Show the add form filled from an existing client.

    Nothing is saved until the form is submitted, so an abandoned copy leaves
    no row behind. An empty secret field then copies the stored secret.
    """
    source = _get_client(code)
    if request.method == "POST":
        form = HttpClientForm(request.POST, source=source)
        if form.is_valid():
            response = _save(request, form, HttpClient())
            if response:
                return response
    else:
        form = HttpClientForm(initial=initial_for_copy(source), source=source)
    return _render_form(request, form, source=source)


def client_delete(request, code):
    client = _get_client(code)
    if request.method == "POST":
        try:
            client.delete()
        except models.ProtectedError:
            messages.error(
                request,
                f"“{client.name}” is still used by configurations, so it was "
                "not deleted.",
            )
            return redirect("client_delete", code=client.code)
        messages.success(request, f"HTTP client “{client.name}” was deleted.")
        return redirect("client_list")

    ctx = {
        "page": "clients",
        "client": client,
        "blockers": _protecting_objects(client),
    }
    return render(request, "clients/client_delete.html", ctx)


@require_POST
def client_test(request, code):
    client = _get_client(code)
    check = check_connection(client)

    if request.headers.get("HX-Request"):
        ctx = {"check": check, "client": client}
        return render(request, "clients/client_test_result.html", ctx)
    messages.add_message(
        request,
        CHECK_MESSAGE_LEVELS[check.level],
        f"Test connection: {check.summary} {check.detail}",
    )
    return redirect(reverse("client_edit", args=[client.code]))
