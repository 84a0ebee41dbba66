from django.urls import path

from clients import views

urlpatterns = [
    path("http/", views.client_list, name="client_list"),
    path("http/add/", views.client_add, name="client_add"),
    path("http/<uuid:code>/", views.client_edit, name="client_edit"),
    path(
        "http/<uuid:code>/duplicate/", views.client_duplicate, name="client_duplicate"
    ),
    path("http/<uuid:code>/delete/", views.client_delete, name="client_delete"),
    path("http/<uuid:code>/test/", views.client_test, name="client_test"),
]
