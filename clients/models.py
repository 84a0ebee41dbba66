import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.text import slugify

from clients import crypto
from clients.validators import validate_base_uri, validate_extra_headers

MIN_TIMEOUT = 0.1
MAX_CONNECT_TIMEOUT = 60.0
MAX_TOTAL_TIMEOUT = 600.0


def default_connect_timeout():
    return settings.HTTP_CONNECT_TIMEOUT


def default_total_timeout():
    return settings.HTTP_TOTAL_TIMEOUT


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
    base_uri = models.CharField(
        "Base URI", max_length=500, validators=[validate_base_uri]
    )
    auth_kind = models.CharField(
        "Authentication", max_length=10, choices=AuthKind.choices, default="bearer"
    )
    # Header name (custom header), query parameter name or user name (basic).
    auth_name = models.CharField(max_length=200, blank=True)
    # Fernet ciphertext of the token, password or header value; never shown.
    secret_encrypted = models.TextField(blank=True, editable=False)
    extra_headers = models.JSONField(
        default=dict, blank=True, validators=[validate_extra_headers]
    )
    logging = models.CharField(
        "Request logging", max_length=10, choices=Logging.choices, default="full"
    )
    connect_timeout = models.FloatField(
        "Connect timeout (s)",
        default=default_connect_timeout,
        validators=[
            MinValueValidator(MIN_TIMEOUT),
            MaxValueValidator(MAX_CONNECT_TIMEOUT),
        ],
    )
    # The limit for a whole request, from connecting to the last byte.
    total_timeout = models.FloatField(
        "Total timeout (s)",
        default=default_total_timeout,
        validators=[
            MinValueValidator(MIN_TIMEOUT),
            MaxValueValidator(MAX_TOTAL_TIMEOUT),
        ],
    )
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
    def effective_auth_kind(self):
        """The authentication actually used: Centra clients always send a token."""
        if self.prototype == self.Prototype.CENTRA_GRAPHQL:
            return self.AuthKind.BEARER
        return self.auth_kind

    @property
    def has_secret(self):
        return bool(self.secret_encrypted)

    def set_secret(self, plaintext):
        self.secret_encrypted = crypto.encrypt(plaintext)

    def get_secret(self):
        return crypto.decrypt(self.secret_encrypted)


def unique_identifier(text, exclude_pk=None):
    """Return a slug made from `text` that no other HTTP client uses.

    A number is appended when the plain slug is taken ("orders-2").
    """
    max_length = HttpClient._meta.get_field("identifier").max_length
    base = slugify(text)[:max_length].strip("-") or "client"
    other_clients = HttpClient.objects.exclude(pk=exclude_pk)
    candidate = base
    number = 1
    while other_clients.filter(identifier=candidate).exists():
        number += 1
        suffix = f"-{number}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
    return candidate
