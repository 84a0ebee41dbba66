from django.http import HttpResponse


def incoming_list(request, **kwargs):
    return HttpResponse("incoming_list is being built")


def incoming_edit(request, **kwargs):
    return HttpResponse("incoming_edit is being built")


def incoming_duplicate(request, **kwargs):
    return HttpResponse("incoming_duplicate is being built")


def incoming_delete(request, **kwargs):
    return HttpResponse("incoming_delete is being built")


def incoming_run(request, **kwargs):
    return HttpResponse("incoming_run is being built")


def outgoing_list(request, **kwargs):
    return HttpResponse("outgoing_list is being built")


def outgoing_edit(request, **kwargs):
    return HttpResponse("outgoing_edit is being built")


def outgoing_duplicate(request, **kwargs):
    return HttpResponse("outgoing_duplicate is being built")


def outgoing_delete(request, **kwargs):
    return HttpResponse("outgoing_delete is being built")


def outgoing_run(request, **kwargs):
    return HttpResponse("outgoing_run is being built")


def run_list(request, **kwargs):
    return HttpResponse("run_list is being built")


def run_detail(request, **kwargs):
    return HttpResponse("run_detail is being built")


def run_status(request, **kwargs):
    return HttpResponse("run_status is being built")


def run_entity_detail(request, **kwargs):
    return HttpResponse("run_entity_detail is being built")


def requestlog_list(request, **kwargs):
    return HttpResponse("requestlog_list is being built")


def requestlog_detail(request, **kwargs):
    return HttpResponse("requestlog_detail is being built")
