from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from connections.forms import IncomingForm, OutgoingForm, OutgoingRunForm
from connections.models import (
    IncomingConfiguration,
    OutgoingConfiguration,
    RequestLog,
    Run,
    RunEntity,
)
from connections.runs import RunRejected, start_run


def queue_runs(request, queryset, **run_options):
    """Start a run of each selected configuration and report each in a message."""
    for configuration in queryset.select_related("client"):
        try:
            run = start_run(
                configuration, user=request.user, trigger="admin", **run_options
            )
        except RunRejected as error:
            messages.error(request, f"“{configuration.name}” was not run: {error}")
            continue
        messages.success(
            request,
            format_html(
                'Queued <a href="{}">run #{}</a> of “{}”.',
                run.get_absolute_url(),
                run.pk,
                configuration.name,
            ),
        )


class ConfigurationAdmin(admin.ModelAdmin):
    list_display = ("name", "identifier", "client", "disabled", "updated")
    list_filter = ("disabled", "client")
    list_select_related = ("client",)
    search_fields = ("name", "identifier", "description")
    prepopulated_fields = {"identifier": ("name",)}
    readonly_fields = ("code", "created", "updated")

    class Media:
        css = {"all": ("css/dashboard.css",)}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        for warning in getattr(form, "warnings", []):
            messages.warning(request, warning)


GENERAL_FIELDS = ("name", "identifier", "description", "disabled")
REQUEST_FIELDS = ("query", "variables", "operation_name")
RECORD_FIELDS = ("code", "created", "updated")


@admin.register(IncomingConfiguration)
class IncomingConfigurationAdmin(ConfigurationAdmin):
    form = IncomingForm
    list_display = ("name", "identifier", "client", "pagination", "disabled", "updated")
    list_filter = (*ConfigurationAdmin.list_filter, "pagination")
    actions = ["run_subscription"]
    fieldsets = (
        (None, {"fields": GENERAL_FIELDS}),
        (
            "Subscriber",
            {"fields": ("subscriber", "client", "request_uri", "method")},
        ),
        ("Request parameters", {"fields": REQUEST_FIELDS}),
        (
            "Entities",
            {
                "fields": (
                    "entities_path",
                    "input_transformer",
                    "accept_partial_data",
                    "max_attempts",
                )
            },
        ),
        (
            "Pagination",
            {
                "classes": ("collapse",),
                "fields": (
                    "pagination",
                    "has_next_path",
                    "end_cursor_path",
                    "cursor_variable",
                    "page_variable",
                    "page_size",
                    "max_pages",
                ),
            },
        ),
        ("Record", {"classes": ("collapse",), "fields": RECORD_FIELDS}),
    )

    @admin.action(description="Run subscription")
    def run_subscription(self, request, queryset):
        queue_runs(request, queryset)


@admin.register(OutgoingConfiguration)
class OutgoingConfigurationAdmin(ConfigurationAdmin):
    form = OutgoingForm
    actions = ["run_publication"]
    fieldsets = (
        (None, {"fields": GENERAL_FIELDS}),
        (
            "Publisher",
            {"fields": ("publisher", "client", "request_uri", "method")},
        ),
        ("Request parameters", {"fields": REQUEST_FIELDS}),
        ("Delivery", {"fields": ("safe_to_repeat", "max_attempts")}),
        ("Record", {"classes": ("collapse",), "fields": RECORD_FIELDS}),
    )

    @admin.action(description="Run publication")
    def run_publication(self, request, queryset):
        """Ask for the entities to publish, then start a run of each selection.

        The first call shows an intermediate page. Its form posts back to this
        action with "apply" set, as Django's own delete confirmation does.
        """
        # Disabled configurations do not run, so their placeholders do not
        # decide which entities the form accepts.
        enabled = [c for c in queryset.select_related("client") if not c.disabled]
        if "apply" in request.POST:
            form = OutgoingRunForm(request.POST, configurations=enabled)
            if form.is_valid():
                queue_runs(
                    request,
                    queryset,
                    entities=form.cleaned_data["entities"],
                    source_run=form.cleaned_data["source_run"],
                )
                return None
        else:
            form = OutgoingRunForm(configurations=enabled)

        ctx = {
            **self.admin_site.each_context(request),
            "title": "Run publication",
            "opts": self.model._meta,
            "form": form,
            "queryset": queryset,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "connections/admin_run_publication.html", ctx)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by runs: viewable in the admin, never edited there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Run)
class RunAdmin(ReadOnlyAdmin):
    list_display = (
        "__str__",
        "kind",
        "status",
        "entity_count",
        "sent_count",
        "failed_count",
        "request_count",
        "trigger",
        "created",
    )
    list_filter = ("status", "kind", "trigger")
    search_fields = ("configuration_name", "error")
    date_hierarchy = "created"
    readonly_fields = ("entities_link", "request_logs_link")

    @admin.display(description="Entities")
    def entities_link(self, run):
        url = reverse("admin:connections_runentity_changelist")
        return format_html(
            '<a href="{}?run__id__exact={}">{} entities</a> · '
            '<a href="{}">run page</a>',
            url,
            run.pk,
            run.entities.count(),
            run.get_absolute_url(),
        )

    @admin.display(description="Request logs")
    def request_logs_link(self, run):
        url = reverse("admin:connections_requestlog_changelist")
        return format_html(
            '<a href="{}?run__id__exact={}">{} requests</a>',
            url,
            run.pk,
            run.request_logs.count(),
        )


@admin.register(RunEntity)
class RunEntityAdmin(ReadOnlyAdmin):
    """Entities of runs, reached from a run's change page."""

    list_display = ("run", "position", "page", "status", "error")
    list_filter = ("status",)
    list_select_related = ("run",)
    raw_id_fields = ("run",)

    def has_module_permission(self, request):
        # Listed under its run only, so the admin index shows no entity list.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RequestLog)
class RequestLogAdmin(ReadOnlyAdmin):
    list_display = (
        "created",
        "method",
        "url",
        "status_code",
        "outcome",
        "duration_ms",
        "attempt",
        "run",
        "client",
    )
    list_filter = ("outcome", "method", "client")
    list_select_related = ("run", "client")
    search_fields = ("url", "error")
    date_hierarchy = "created"
    raw_id_fields = ("run", "entity", "client")

    def has_delete_permission(self, request, obj=None):
        return False
