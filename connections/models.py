import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse

from clients import crypto
from clients.models import HttpClient
from connections.exactjson import ExactDecoder, ExactEncoder


class Method(models.TextChoices):
    POST = "POST", "POST"
    GET = "GET", "GET"
    PUT = "PUT", "PUT"
    PATCH = "PATCH", "PATCH"
    DELETE = "DELETE", "DELETE"


class ConfigurationBase(models.Model):
    """Fields that incoming and outgoing configurations share."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=100)
    identifier = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    disabled = models.BooleanField(default=False)
    client = models.ForeignKey(
        HttpClient, on_delete=models.PROTECT, verbose_name="HTTP client"
    )
    request_uri = models.CharField(
        "Request URI",
        max_length=500,
        blank=True,
        help_text="Appended to the client's base URI, for example /graphql.",
    )
    method = models.CharField(
        "HTTP method", max_length=10, choices=Method.choices, default=Method.POST
    )
    query = models.TextField("GraphQL query")
    variables = models.JSONField(default=dict, blank=True)
    operation_name = models.CharField(max_length=200, blank=True)
    max_attempts = models.PositiveSmallIntegerField(
        default=3, help_text="Attempts per request, counting the first one."
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class IncomingConfiguration(ConfigurationBase):
    class Subscriber(models.TextChoices):
        CENTRA_GRAPHQL = "centra_graphql", "Centra - GraphQL Subscriber"

    class Pagination(models.TextChoices):
        NONE = "none", "None (one request)"
        CURSOR = "cursor", "Cursor (Relay connection)"
        PAGE = "page", "Page number"

    subscriber = models.CharField(
        max_length=30, choices=Subscriber.choices, default=Subscriber.CENTRA_GRAPHQL
    )
    entities_path = models.CharField(
        max_length=300,
        help_text=(
            "Where the list of entities sits in the answer, for example "
            "data.orders or data.orderConnection.edges.*.node"
        ),
    )
    input_transformer = models.JSONField(
        default=dict,
        blank=True,
        help_text="Values merged into the variables before each request.",
    )
    accept_partial_data = models.BooleanField(
        default=False,
        help_text="Keep the entities of an answer that also has errors.",
    )
    pagination = models.CharField(
        max_length=10, choices=Pagination.choices, default=Pagination.NONE
    )
    has_next_path = models.CharField(max_length=300, blank=True)
    end_cursor_path = models.CharField(max_length=300, blank=True)
    cursor_variable = models.CharField(max_length=100, blank=True)
    page_variable = models.CharField(max_length=100, blank=True)
    page_size = models.PositiveIntegerField(null=True, blank=True)
    max_pages = models.PositiveIntegerField(default=100)

    class Meta(ConfigurationBase.Meta):
        verbose_name = "incoming configuration"

    def get_absolute_url(self):
        return reverse("incoming_edit", args=[self.code])


class OutgoingConfiguration(ConfigurationBase):
    class Publisher(models.TextChoices):
        CENTRA = "centra", "Centra Publisher"

    publisher = models.CharField(
        max_length=30, choices=Publisher.choices, default=Publisher.CENTRA
    )
    safe_to_repeat = models.BooleanField(
        default=False,
        help_text=(
            "Retry the mutation even after an attempt that may have reached "
            "Centra (a timeout after sending)."
        ),
    )

    class Meta(ConfigurationBase.Meta):
        verbose_name = "outgoing configuration"

    def get_absolute_url(self):
        return reverse("outgoing_edit", args=[self.code])


class Run(models.Model):
    class Kind(models.TextChoices):
        INCOMING = "incoming", "Incoming"
        OUTGOING = "outgoing", "Outgoing"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        PARTIAL = "partial", "Partial"
        CANCELLED = "cancelled", "Cancelled"

    FINISHED = (Status.SUCCEEDED, Status.FAILED, Status.PARTIAL, Status.CANCELLED)

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    incoming = models.ForeignKey(
        IncomingConfiguration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="runs",
    )
    outgoing = models.ForeignKey(
        OutgoingConfiguration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="runs",
    )
    # Kept so a run stays readable after its configuration is deleted.
    configuration_name = models.CharField(max_length=100)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    trigger = models.CharField(max_length=20, default="dashboard")
    # Outgoing runs: the entities to publish, or the incoming run they come from.
    source_run = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True
    )
    # Set by the run page's "Cancel run" button. The worker reads it before
    # each request and ends the run as cancelled.
    cancel_requested = models.BooleanField(default=False)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    entity_count = models.PositiveIntegerField(default=0)
    sent_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    page_count = models.PositiveIntegerField(default=0)
    request_count = models.PositiveIntegerField(default=0)
    # Incoming runs: one {"page", "entities", "cursor"} object per page fetched.
    pages = models.JSONField(default=list, blank=True)
    # One or two sentences on the outcome, such as "250 entities on 3 pages."
    # Notes on a run that did not fail (skipped null entities) go here too.
    summary = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    # Last time the worker saved progress. A running run whose heartbeat is
    # older than settings.RUN_STALE_AFTER is taken as abandoned by its worker.
    heartbeat = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["status", "created"])]

    def __str__(self):
        return f"{self.get_kind_display()} run of {self.configuration_name}"

    def get_absolute_url(self):
        return reverse("run_detail", args=[self.code])

    @property
    def configuration(self):
        return self.incoming if self.kind == self.Kind.INCOMING else self.outgoing

    @property
    def is_finished(self):
        return self.status in self.FINISHED

    @property
    def not_sent_count(self):
        return self.entities.filter(status=RunEntity.Status.NOT_SENT).count()

    @property
    def rejected_count(self):
        """Entities that were sent and failed, without those never sent."""
        return self.failed_count - self.not_sent_count

    @property
    def duration(self):
        if self.started and self.finished:
            return self.finished - self.started
        return None


class RunEntity(models.Model):
    """One entity that an incoming run found, or that an outgoing run sends."""

    class Status(models.TextChoices):
        FOUND = "found", "Found"
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        # Left unsent because the run was cancelled or stopped early. The
        # run's failed_count includes these, so its outcome is not a success.
        NOT_SENT = "not_sent", "Not sent"

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="entities")
    position = models.PositiveIntegerField()
    page = models.PositiveIntegerField(default=1)
    # Decimal numbers keep their digits (1234.50 stays 1234.50), so amounts
    # are published with the digits they were fetched with.
    data = models.JSONField(encoder=ExactEncoder, decoder=ExactDecoder)
    status = models.CharField(max_length=10, choices=Status.choices)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["run", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "position"], name="unique_entity_position"
            )
        ]

    def __str__(self):
        return f"Entity {self.position} of run {self.run_id}"


class RequestLog(models.Model):
    class Outcome(models.TextChoices):
        OK = "ok", "OK"
        HTTP_ERROR = "http_error", "HTTP error"
        GRAPHQL_ERROR = "graphql_error", "GraphQL error"
        USER_ERROR = "user_error", "User error"
        NETWORK_ERROR = "network_error", "Network error"
        INVALID_RESPONSE = "invalid_response", "Invalid response"

    run = models.ForeignKey(
        Run, on_delete=models.CASCADE, related_name="request_logs", null=True
    )
    entity = models.ForeignKey(
        RunEntity, on_delete=models.SET_NULL, null=True, blank=True
    )
    client = models.ForeignKey(
        HttpClient, on_delete=models.SET_NULL, null=True, blank=True
    )
    attempt = models.PositiveSmallIntegerField(default=1)
    page = models.PositiveIntegerField(null=True, blank=True)
    method = models.CharField(max_length=10)
    url = models.TextField()
    request_headers = models.JSONField(default=dict)
    request_body = models.TextField(blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_headers = models.JSONField(default=dict)
    response_body = models.TextField(blank=True)
    response_size = models.PositiveBigIntegerField(null=True, blank=True)
    body_truncated = models.BooleanField(default=False)
    bodies_stored = models.BooleanField(default=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    wait_before_ms = models.PositiveIntegerField(default=0)
    extensions = models.JSONField(default=dict, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"{self.method} {self.url} → {self.status_code or self.outcome}"

    def get_absolute_url(self):
        return reverse("requestlog_detail", args=[self.pk])


class EnvironmentVariable(models.Model):
    """A named value that configurations use as ${NAME}.

    The value is always stored encrypted. A secret one is masked in the
    dashboard and in request logs.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(
        max_length=100,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Z][A-Z0-9_]*\Z",
                "Use capital letters, digits and _, starting with a letter "
                "(for example SHOP_ID).",
            )
        ],
        help_text="Used as ${NAME} in variables, input transformers and request URIs.",
    )
    value_encrypted = models.TextField(blank=True, editable=False)
    secret = models.BooleanField(
        default=False,
        help_text="Mask the value in the dashboard and in request logs.",
    )
    description = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "environment variable"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("envvar_edit", args=[self.code])

    @property
    def placeholder(self):
        return f"${{{self.name}}}"

    def set_value(self, plaintext):
        self.value_encrypted = crypto.encrypt(plaintext)

    def get_value(self):
        return crypto.decrypt(self.value_encrypted)


class PacingWindow(models.Model):
    """Start times of the latest requests to one Centra host, which every
    worker process reads to pace its requests."""

    key = models.CharField(max_length=300, unique=True)
    starts = models.JSONField(default=list)

    def __str__(self):
        return self.key
