"""Pages of request logs: the filtered list and one request in full."""

import json

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from connections.models import RequestLog
from connections.views_common import filter_chips, not_found, paginate
from connections.views_filters import RequestLogFilterForm


@require_GET
def requestlog_list(request):
    filters = RequestLogFilterForm(request.GET)
    queryset = RequestLog.objects.select_related(
        "client", "run__incoming", "run__outgoing"
    ).defer("request_body", "response_body", "request_headers", "response_headers")
    logs = paginate(request, filters.apply(queryset).order_by("-created", "-pk"))

    ctx = {
        "page": "logs",
        "filters": filters,
        "chips": filter_chips(request, filters),
        "logs": logs,
        "any_logs": RequestLog.objects.exists(),
    }
    return render(request, "connections/requestlog_list.html", ctx)


@require_GET
def requestlog_detail(request, pk):
    log = (
        RequestLog.objects.select_related("client", "run", "entity")
        .filter(pk=pk)
        .first()
    )
    if log is None:
        return not_found(
            request,
            f"No request log number {pk}. It may have been deleted with its run.",
            back_url=reverse("requestlog_list"),
            back_label="All request logs",
        )

    extensions = dict(log.extensions or {})
    ctx = {
        "page": "logs",
        "log": log,
        "graphql": graphql_request(log.request_body),
        "stored_bytes": len(log.response_body.encode("utf-8")),
        "complexity": extensions.pop("complexity", None),
        "permissions_used": extensions.pop("permissionsUsed", None),
        "other_extensions": extensions,
    }
    return render(request, "connections/requestlog_detail.html", ctx)


def graphql_request(body):
    """Return the GraphQL request inside a request body, or None.

    The query is shown apart from the JSON body so that its line breaks read
    as line breaks rather than as escaped newlines.
    """
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("query"), str):
        return None
    return {
        "query": data["query"],
        "variables": data.get("variables"),
        "operation_name": data.get("operationName"),
    }
