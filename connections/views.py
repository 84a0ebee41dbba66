"""Views of the connections app, named as in `connections/urls.py`.

The pages live in `views_configurations.py` (incoming and outgoing
configurations), `views_runs.py` (runs) and `views_logs.py` (request logs).
"""

from django.views.decorators.http import require_http_methods

from connections import views_configurations as configurations
from connections.views_configurations import INCOMING, OUTGOING, incoming_run
from connections.views_logs import requestlog_detail, requestlog_list
from connections.views_runs import (
    outgoing_run,
    run_cancel,
    run_detail,
    run_entity_detail,
    run_list,
    run_status,
)

__all__ = [
    "incoming_run",
    "outgoing_run",
    "requestlog_detail",
    "requestlog_list",
    "run_cancel",
    "run_detail",
    "run_entity_detail",
    "run_list",
    "run_status",
]


@require_http_methods(["GET"])
def incoming_list(request):
    return configurations.configuration_list(request, INCOMING)


@require_http_methods(["GET", "POST"])
def incoming_edit(request, code=None):
    return configurations.configuration_edit(request, INCOMING, code)


@require_http_methods(["GET", "POST"])
def incoming_duplicate(request, code):
    return configurations.configuration_duplicate(request, INCOMING, code)


@require_http_methods(["GET", "POST"])
def incoming_delete(request, code):
    return configurations.configuration_delete(request, INCOMING, code)


@require_http_methods(["GET"])
def outgoing_list(request):
    return configurations.configuration_list(request, OUTGOING)


@require_http_methods(["GET", "POST"])
def outgoing_edit(request, code=None):
    return configurations.configuration_edit(request, OUTGOING, code)


@require_http_methods(["GET", "POST"])
def outgoing_duplicate(request, code):
    return configurations.configuration_duplicate(request, OUTGOING, code)


@require_http_methods(["GET", "POST"])
def outgoing_delete(request, code):
    return configurations.configuration_delete(request, OUTGOING, code)
