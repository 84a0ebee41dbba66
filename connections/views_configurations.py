"""List, edit, duplicate, delete and run pages of configurations.

Incoming and outgoing configurations share these pages. A `Kind` names the
model, form, templates and URLs of each, and the views in `views.py` pass it.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.db import IntegrityError
from django.db.models import OuterRef, Subquery
from django.forms.models import model_to_dict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from clients.models import HttpClient
from connections.forms import IncomingForm, OutgoingForm
from connections.models import IncomingConfiguration, OutgoingConfiguration, Run
from connections.runs import RunRejected, start_run
from connections.views_common import not_found, paginate
from connections.views_filters import ConfigurationFilterForm


@dataclass(frozen=True)
class Kind:
    name: str
    model: type
    form: type
    label: str

    def url(self, page, *args):
        return reverse(f"{self.name}_{page}", args=args)


INCOMING = Kind(
    "incoming", IncomingConfiguration, IncomingForm, "incoming configuration"
)
OUTGOING = Kind(
    "outgoing", OutgoingConfiguration, OutgoingForm, "outgoing configuration"
)


def get_configuration(kind, code):
    return kind.model.objects.select_related("client").filter(code=code).first()


def configuration_not_found(request, kind):
    return not_found(
        request,
        f"No {kind.label} has this address. It may have been deleted.",
        back_url=kind.url("list"),
        back_label=f"All {kind.name} configurations",
    )


def with_last_run(queryset, kind):
    runs = Run.objects.filter(**{kind.name: OuterRef("pk")}).order_by("-created", "-pk")
    return queryset.annotate(
        last_run_code=Subquery(runs.values("code")[:1]),
        last_run_status=Subquery(runs.values("status")[:1]),
        last_run_created=Subquery(runs.values("created")[:1]),
    )


def configuration_list(request, kind):
    filters = ConfigurationFilterForm(request.GET)
    queryset = kind.model.objects.select_related("client").order_by("name", "pk")
    total = queryset.count()
    configurations = paginate(request, with_last_run(filters.apply(queryset), kind))

    ctx = {
        "page": kind.name,
        "kind": kind,
        "filters": filters,
        "configurations": configurations,
        "total": total,
        "client_count": HttpClient.objects.count(),
    }
    return render(request, f"connections/{kind.name}_list.html", ctx)


def configuration_edit(request, kind, code=None, source=None):
    """Add (no code), edit (a code) or duplicate (a source) a configuration.

    "Save" returns to the list and "Save and continue" stays on the edit page.
    """
    instance = None
    if code is not None:
        instance = get_configuration(kind, code)
        if instance is None and request.method == "POST":
            return deleted_while_editing(request, kind)
        if instance is None:
            return configuration_not_found(request, kind)

    if request.method == "POST":
        form = kind.form(request.POST, instance=instance)
        if form.is_valid():
            saved = save_form(request, form)
            if saved is not None:
                for warning in form.warnings:
                    messages.warning(request, warning)
                messages.success(request, f"Saved “{saved.name}”.")
                if "_continue" in request.POST:
                    return redirect(kind.url("edit", saved.code))
                return redirect(kind.url("list"))
    else:
        form = kind.form(instance=instance, initial=copy_initial(source))

    ctx = {
        "page": kind.name,
        "kind": kind,
        "form": form,
        "configuration": instance,
        "source": source,
        "client_count": HttpClient.objects.filter(disabled=False).count(),
        "recent_runs": instance.runs.all()[:5] if instance else [],
    }
    return render(request, f"connections/{kind.name}_edit.html", ctx)


def deleted_while_editing(request, kind):
    """Show the typed values again after their configuration was deleted.

    Nothing is saved. The form posts to the add page, so saving it once more
    creates the configuration again.
    """
    data = request.POST.copy()
    data["updated_seen"] = ""
    form = kind.form(data)
    form.is_valid()
    form.add_error(
        None,
        f"This {kind.label} was deleted after you opened it, so nothing was "
        "saved. Save again to create it anew with what you typed.",
    )

    ctx = {
        "page": kind.name,
        "kind": kind,
        "form": form,
        "form_action": kind.url("add"),
        "client_count": HttpClient.objects.filter(disabled=False).count(),
    }
    return render(request, f"connections/{kind.name}_edit.html", ctx)


def save_form(request, form):
    try:
        return form.save()
    except IntegrityError:
        # Another save took the identifier between the check and the write.
        form.add_error("identifier", "This identifier is taken. Choose another one.")
        return None


def copy_initial(source):
    """Return the form's initial values for a copy of `source`."""
    if source is None:
        return None
    initial = model_to_dict(source, exclude=["id", "code", "identifier"])
    initial["name"] = f"{source.name} (copy)"[:100]
    initial["client"] = source.client
    return initial


def configuration_duplicate(request, kind, code):
    """Show the add form filled from an existing configuration.

    Nothing is saved until the copy's form is submitted, so an abandoned copy
    leaves no row behind.
    """
    source = get_configuration(kind, code)
    if source is None:
        return configuration_not_found(request, kind)
    return configuration_edit(request, kind, source=source)


def configuration_delete(request, kind, code):
    configuration = get_configuration(kind, code)
    if configuration is None:
        return configuration_not_found(request, kind)

    if request.method == "POST":
        name = configuration.name
        configuration.delete()
        messages.success(
            request, f"Deleted “{name}”. Its runs are kept under that name."
        )
        return redirect(kind.url("list"))

    ctx = {
        "page": kind.name,
        "kind": kind,
        "configuration": configuration,
        "run_count": configuration.runs.count(),
    }
    return render(request, "connections/configuration_delete.html", ctx)


@require_POST
def incoming_run(request, code):
    configuration = get_configuration(INCOMING, code)
    if configuration is None:
        return configuration_not_found(request, INCOMING)
    try:
        run = start_run(configuration, user=request.user, trigger="dashboard")
    except RunRejected as error:
        messages.error(request, f"Cannot run “{configuration.name}”: {error}")
        return redirect(safe_next(request, INCOMING.url("edit", configuration.code)))
    return redirect(run.get_absolute_url())


def safe_next(request, default):
    """Return the `next` POST parameter when it is a URL of this site."""
    url = request.POST.get("next", "")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default
