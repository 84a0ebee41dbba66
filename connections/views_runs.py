"""Pages of runs: starting an outgoing run, the runs list and the run page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
)

from clients.http import build_url
from connections.forms import OutgoingRunForm
from connections.models import OutgoingConfiguration, Run
from connections.progress import describe_progress
from connections.runs import RunRejected, cancel_run, start_run
from connections.templatetags.connections_tags import pretty_json
from connections.views_common import filter_chips, not_found, paginate
from connections.views_configurations import (
    OUTGOING,
    configuration_not_found,
    get_configuration,
)
from connections.views_filters import RunFilterForm

ENTITIES_PER_PAGE = 100
RUN_TABS = ("entities", "pages", "requests")


@require_http_methods(["GET", "POST"])
def outgoing_run(request, code):
    """Show the form of an outgoing run (GET) or start the run (POST)."""
    configuration = get_configuration(OUTGOING, code)
    if configuration is None:
        return configuration_not_found(request, OUTGOING)

    rerun = rerun_initial(request.GET.get("rerun"))
    chosen = publishable_run(request.GET.get("source_run"))
    preselected = chosen or rerun.get("source_run")
    if request.method == "POST":
        form = OutgoingRunForm(
            request.POST, preselected=preselected, configurations=[configuration]
        )
        if form.is_valid():
            try:
                run = start_run(
                    configuration,
                    user=request.user,
                    trigger="dashboard",
                    entities=form.cleaned_data["entities"],
                    source_run=form.cleaned_data["source_run"],
                )
            except RunRejected as error:
                form.add_error(None, f"Cannot run “{configuration.name}”: {error}")
            else:
                return redirect(run.get_absolute_url())
    else:
        if request.GET.get("source_run") and chosen is None:
            messages.warning(
                request,
                "The chosen incoming run does not exist or found no entities, so "
                "no run is preselected.",
            )
        initial = {"source_run": chosen} if chosen else rerun
        form = OutgoingRunForm(
            initial=initial, preselected=preselected, configurations=[configuration]
        )

    ctx = {
        "page": "outgoing",
        "configuration": configuration,
        "form": form,
        "target_url": build_url(configuration.client, configuration.request_uri),
    }
    return render(request, "connections/outgoing_run.html", ctx)


def rerun_initial(code):
    """Return the form's initial values that repeat an earlier outgoing run.

    The earlier run's source run is chosen again when it can still be
    published. Otherwise its entities are filled in as JSON text.
    """
    run = find_run(code, kind=Run.Kind.OUTGOING)
    if run is None:
        return {}
    source = publishable_run(run.source_run.code) if run.source_run else None
    if source is not None:
        return {"source_run": source}
    entities = list(run.entities.values_list("data", flat=True))
    return {"entities": pretty_json(entities)} if entities else {}


def find_run(code, **filters):
    """Return the run with this code, or None when absent or not a UUID."""
    if not code:
        return None
    try:
        return Run.objects.filter(code=code, **filters).first()
    except ValidationError:
        return None


def publishable_run(code):
    """Return the incoming run with this code if its entities can be published."""
    return find_run(
        code,
        kind=Run.Kind.INCOMING,
        status__in=[Run.Status.SUCCEEDED, Run.Status.PARTIAL],
        entity_count__gt=0,
    )


@require_GET
def run_list(request):
    filters = RunFilterForm(request.GET)
    queryset = Run.objects.select_related(
        "incoming__client", "outgoing__client", "triggered_by"
    )
    runs = paginate(request, filters.apply(queryset))

    ctx = {
        "page": "runs",
        "filters": filters,
        "chips": filter_chips(request, filters),
        "runs": runs,
        "any_runs": Run.objects.exists(),
    }
    return render(request, "connections/run_list.html", ctx)


def get_run(code):
    return (
        Run.objects.select_related(
            "incoming__client",
            "outgoing__client",
            "triggered_by",
            "cancelled_by",
            "source_run",
        )
        .filter(code=code)
        .first()
    )


def run_not_found(request):
    return not_found(
        request,
        "No run has this address. It may have been deleted.",
        back_url=reverse("run_list"),
        back_label="All runs",
    )


def run_context(request, run):
    """Build the context of the live part of the run page (status, counts, tab)."""
    tab = request.GET.get("tab")
    if tab not in RUN_TABS or (tab == "pages" and run.kind != Run.Kind.INCOMING):
        tab = "entities"

    entity_total = run.entities.count()
    ctx = {
        "run": run,
        "tab": tab,
        "client": run_client(run),
        "entity_total": entity_total,
        "request_total": run.request_logs.count(),
        "progress": describe_progress(run),
        "poll_query": request.GET.urlencode(),
        # Whether the outgoing run form accepts this run as a source.
        "publishable": run.kind == Run.Kind.INCOMING
        and run.status in (Run.Status.SUCCEEDED, Run.Status.PARTIAL)
        and entity_total > 0,
    }
    if ctx["publishable"]:
        # The polled fragment needs them as well as the page, because a run
        # can finish while its page is open.
        ctx["outgoing_configurations"] = OutgoingConfiguration.objects.filter(
            disabled=False
        ).only("code", "name", "identifier")
    if tab == "entities":
        ctx["entities"] = paginate(request, run.entities.all(), ENTITIES_PER_PAGE)
    elif tab == "pages":
        ctx["pages"] = page_summary(run)
    else:
        logs = run.request_logs.select_related("client", "entity")
        ctx["logs"] = paginate(request, logs.order_by("created", "pk"))
    return ctx


def run_client(run):
    """Return the run's HTTP client, even when its configuration is deleted."""
    configuration = run.configuration
    if configuration is not None:
        return configuration.client
    log = run.request_logs.select_related("client").exclude(client=None).first()
    return log.client if log else None


def page_summary(run):
    """Return each page that an incoming run fetched, with its request count.

    The engine stores one {"page", "entities", "cursor"} object per page in
    `run.pages`. A page that failed has request logs but no such object.
    """
    requests = dict(
        run.request_logs.exclude(page=None)
        .order_by()
        .values_list("page")
        .annotate(count=Count("pk"))
    )
    fetched = {item["page"]: item for item in run.pages or [] if isinstance(item, dict)}
    return [
        {
            "number": number,
            "entities": fetched.get(number, {}).get("entities"),
            "cursor": fetched.get(number, {}).get("cursor"),
            "requests": requests.get(number, 0),
        }
        for number in sorted(set(fetched) | set(requests))
    ]


@require_GET
def run_detail(request, code):
    run = get_run(code)
    if run is None:
        return run_not_found(request)

    ctx = run_context(request, run)
    ctx["page"] = "runs"
    return render(request, "connections/run_detail.html", ctx)


@require_GET
def run_status(request, code):
    """Return the live part of the run page, which htmx polls while it runs."""
    run = get_run(code)
    if run is None:
        # htmx stops polling when a response has status 286.
        return render(request, "connections/run_gone.html", status=286)
    return render(request, "connections/run_live.html", run_context(request, run))


@require_POST
def run_cancel(request, code):
    """Cancel a queued run, or ask the worker to stop a running one."""
    run = get_run(code)
    if run is None:
        return run_not_found(request)

    was_finished = run.is_finished
    status = cancel_run(run, user=request.user)
    if was_finished:
        messages.info(
            request,
            f"Run #{run.pk} had already finished ({run.get_status_display()}), so "
            "there was nothing to cancel.",
        )
    elif status == Run.Status.CANCELLED:
        messages.success(request, f"Cancelled run #{run.pk} before it started.")
    elif status == Run.Status.RUNNING:
        messages.success(
            request,
            f"Cancelling run #{run.pk}: it stops before its next request and keeps "
            "what it has done so far.",
        )
    else:
        messages.info(
            request,
            f"Run #{run.pk} finished ({run.get_status_display()}) before it could "
            "be cancelled.",
        )
    return redirect(run.get_absolute_url())


@require_GET
def run_entity_detail(request, code, position):
    run = get_run(code)
    entity = run.entities.filter(position=position).first() if run else None
    if entity is None:
        if run is None:
            return run_not_found(request)
        return not_found(
            request,
            f"Run #{run.pk} has no entity number {position}.",
            back_url=run.get_absolute_url(),
            back_label="Back to the run",
        )

    ctx = {
        "page": "runs",
        "run": run,
        "entity": entity,
        "logs": entity.requestlog_set.select_related("client").order_by("created"),
        "previous": run.entities.filter(position__lt=position).last(),
        "next": run.entities.filter(position__gt=position).first(),
    }
    return render(request, "connections/run_entity_detail.html", ctx)
