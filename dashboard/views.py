from django.shortcuts import render

from clients.models import HttpClient
from connections.models import IncomingConfiguration, OutgoingConfiguration, Run


def home(request):
    ctx = {
        "page": "dashboard",
        "client_count": HttpClient.objects.count(),
        "incoming_count": IncomingConfiguration.objects.count(),
        "outgoing_count": OutgoingConfiguration.objects.count(),
        "recent_runs": Run.objects.select_related("incoming", "outgoing")[:10],
    }
    return render(request, "dashboard/home.html", ctx)
