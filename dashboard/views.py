from datetime import timedelta

from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from clients.models import HttpClient
from connections.models import IncomingConfiguration, OutgoingConfiguration, Run

# A queued run older than this suggests that no worker is taking tasks.
QUEUE_WARNING_AGE = timedelta(minutes=1)


def home(request):
    now = timezone.now()
    counts = {
        "client_count": HttpClient.objects.count(),
        "incoming_count": IncomingConfiguration.objects.count(),
        "outgoing_count": OutgoingConfiguration.objects.count(),
    }
    steps = [
        {
            "title": "Create an HTTP client",
            "text": "Centra's base URI and an Integration API token.",
            "done": counts["client_count"] > 0,
            "url_name": "client_add",
        },
        {
            "title": "Create an incoming configuration",
            "text": "A GraphQL query that fetches entities, such as pending orders.",
            "done": counts["incoming_count"] > 0,
            "url_name": "incoming_add",
        },
        {
            "title": "Create an outgoing configuration",
            "text": "A GraphQL mutation sent once per entity, such as confirmOrder.",
            "done": counts["outgoing_count"] > 0,
            "url_name": "outgoing_add",
        },
    ]

    ctx = {
        "page": "dashboard",
        **counts,
        "steps": steps,
        "all_steps_done": all(step["done"] for step in steps),
        "day_counts": Run.objects.filter(
            created__gte=now - timedelta(days=1)
        ).aggregate(
            total=Count("pk"),
            succeeded=Count("pk", filter=Q(status=Run.Status.SUCCEEDED)),
            partial=Count("pk", filter=Q(status=Run.Status.PARTIAL)),
            failed=Count("pk", filter=Q(status=Run.Status.FAILED)),
        ),
        "active_count": Run.objects.filter(
            status__in=[Run.Status.QUEUED, Run.Status.RUNNING]
        ).count(),
        "stale_queued_count": Run.objects.filter(
            status=Run.Status.QUEUED, created__lt=now - QUEUE_WARNING_AGE
        ).count(),
        "last_finished": Run.objects.exclude(finished=None)
        .order_by("-finished")
        .values_list("finished", flat=True)
        .first(),
        "since_date": timezone.localdate(now - timedelta(days=1)),
        "recent_runs": Run.objects.select_related("incoming", "outgoing")[:10],
    }
    return render(request, "dashboard/home.html", ctx)
