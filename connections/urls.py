from django.urls import path

from connections import envvars_views, views

urlpatterns = [
    path("incoming/", views.incoming_list, name="incoming_list"),
    path("incoming/add/", views.incoming_edit, name="incoming_add"),
    path("incoming/<uuid:code>/", views.incoming_edit, name="incoming_edit"),
    path(
        "incoming/<uuid:code>/duplicate/",
        views.incoming_duplicate,
        name="incoming_duplicate",
    ),
    path("incoming/<uuid:code>/delete/", views.incoming_delete, name="incoming_delete"),
    path("incoming/<uuid:code>/run/", views.incoming_run, name="incoming_run"),
    path("outgoing/", views.outgoing_list, name="outgoing_list"),
    path("outgoing/add/", views.outgoing_edit, name="outgoing_add"),
    path("outgoing/<uuid:code>/", views.outgoing_edit, name="outgoing_edit"),
    path(
        "outgoing/<uuid:code>/duplicate/",
        views.outgoing_duplicate,
        name="outgoing_duplicate",
    ),
    path("outgoing/<uuid:code>/delete/", views.outgoing_delete, name="outgoing_delete"),
    path("outgoing/<uuid:code>/run/", views.outgoing_run, name="outgoing_run"),
    path("runs/", views.run_list, name="run_list"),
    path("runs/<uuid:code>/", views.run_detail, name="run_detail"),
    path("runs/<uuid:code>/status/", views.run_status, name="run_status"),
    path("runs/<uuid:code>/cancel/", views.run_cancel, name="run_cancel"),
    path(
        "runs/<uuid:code>/entities/<int:position>/",
        views.run_entity_detail,
        name="run_entity_detail",
    ),
    path("logs/", views.requestlog_list, name="requestlog_list"),
    path("logs/<int:pk>/", views.requestlog_detail, name="requestlog_detail"),
    path("environment/", envvars_views.envvar_list, name="envvar_list"),
    path("environment/add/", envvars_views.envvar_add, name="envvar_add"),
    path("environment/<uuid:code>/", envvars_views.envvar_edit, name="envvar_edit"),
    path(
        "environment/<uuid:code>/delete/",
        envvars_views.envvar_delete,
        name="envvar_delete",
    ),
]
