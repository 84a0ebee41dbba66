import uuid

from django.db import models
from django.urls import reverse

from clients import crypto


class HttpClient(models.Model):
    class Prototype(models.TextChoices):
        CENTRA_GRAPHQL = "centra_graphql", "Centra GraphQL Client"
        GENERIC = "generic", "HTTP client"

    class AuthKind(models.TextChoices):
        NONE = "none", "None"
        BEARER = "bearer", "Bearer token"
        BASIC = "basic", "Basic (user and password)"
        HEADER = "header", "Custom header"
        QUERY = "query", "Query parameter"

    class Logging(models.TextChoices):
        OFF = "off", "Off"
        METADATA = "metadata", "Metadata only (no bodies)"
        FULL = "full", "Full (headers and bodies)"

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=100)
    identifier = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    disabled = models.BooleanField(default=False)
    prototype = models.CharField(
        max_length=20, choices=Prototype.choices, default=Prototype.CENTRA_GRAPHQL
    )
    base_uri = models.URLField("Base URI", max_length=500)
    auth_kind = models.CharField(
        "Authentication", max_length=10, choices=AuthKind.choices, default="bearer"
    )
    # Header name (custom header), query parameter name or user name (basic).
    auth_name = models.CharField(max_length=200, blank=True)
    # Fernet ciphertext of the token, password or header value; never shown.
    secret_encrypted = models.TextField(blank=True, editable=False)
    extra_headers = models.JSONField(default=dict, blank=True)
    logging = models.CharField(
        "Request logging", max_length=10, choices=Logging.choices, default="full"
    )
    connect_timeout = models.FloatField("Connect timeout (s)", default=5.0)
    total_timeout = models.FloatField("Total timeout (s)", default=30.0)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "HTTP client"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("client_edit", args=[self.code])

    @property
    def has_secret(self):
        return bool(self.secret_encrypted)

    def set_secret(self, plaintext):
        self.secret_encrypted = crypto.encrypt(plaintext)

    def get_secret(self):
        return crypto.decrypt(self.secret_encrypted)
