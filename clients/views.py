from django.http import HttpResponse


def client_list(request, **kwargs):
    return HttpResponse("client_list is being built")


def client_add(request, **kwargs):
    return HttpResponse("client_add is being built")


def client_edit(request, **kwargs):
    return HttpResponse("client_edit is being built")


def client_duplicate(request, **kwargs):
    return HttpResponse("client_duplicate is being built")


def client_delete(request, **kwargs):
    return HttpResponse("client_delete is being built")


def client_test(request, **kwargs):
    return HttpResponse("client_test is being built")
