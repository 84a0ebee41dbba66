"""State of one executing run: its client, environment values, requests and
progress. The incoming and outgoing parts of the engine share it."""

from urllib.parse import urlencode

from django.utils import timezone

from clients.crypto import SecretUnreadable
from clients.http import mask_secrets
from connections import exactjson
from connections.attempts import deliver
from connections.envvars import Environment, load_environment
from connections.graphql_tools import operation_type
from connections.models import Method, Run
from connections.paths import describe
from connections.placeholders import (
    PlaceholderError,
    check_syntax,
    resolve,
    resolve_text,
)
from connections.requestlogs import record_attempt
from connections.validation import has_dot_segments

PROGRESS_FIELDS = [
    "entity_count",
    "sent_count",
    "failed_count",
    "page_count",
    "request_count",
    "pages",
    "heartbeat",
]


class RunStopped(Exception):
    """A problem that ends the run, with the message to show on it."""

    def __init__(self, message, status=Run.Status.FAILED, summary=""):
        super().__init__(message)
        self.message = message
        self.status = status
        self.summary = summary


class RunCancelled(RunStopped):
    """Someone cancelled the run on its page; it stops before the next request."""

    def __init__(self):
        super().__init__("", Run.Status.CANCELLED)


def parse_object(value, label):
    """Return a configuration's JSON object field as a dict.

    A JSON string that contains an object is parsed, because some tools
    export variables that way. Raises RunStopped for anything else.
    """
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        try:
            value = exactjson.loads(value)
        except ValueError as error:
            raise RunStopped(
                f"The {label} field contains text that is not valid JSON "
                f'({error}). Enter a JSON object such as {{"first": 50}}.'
            ) from error
    if not isinstance(value, dict):
        raise RunStopped(
            f"The {label} field must contain a JSON object, but it contains "
            f"{describe(value)}."
        )
    return value


def merge(base, overrides):
    """Return `base` with `overrides` merged in; objects merge key by key."""
    merged = dict(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def build_request(method, request_uri, query, variables, operation_name):
    """Return the path and JSON body of a GraphQL request.

    POST and the other methods with a body send `{"query", "variables",
    "operationName"}`; GET sends the same members as URL parameters, with the
    variables as JSON text. `operationName` is left out when empty.
    """
    payload = {"query": query, "variables": variables}
    if operation_name:
        payload["operationName"] = operation_name
    if method != Method.GET:
        return request_uri, payload

    params = {"query": query, "variables": exactjson.dumps(variables)}
    if operation_name:
        params["operationName"] = operation_name
    separator = "&" if "?" in request_uri else "?"
    return request_uri + separator + urlencode(params), None


def resolve_uri(template, entity, environment):
    """Return the request URI with its placeholders replaced.

    Raises PlaceholderError when the values put a "." or ".." segment into
    the path, which would send the request outside the client's base URI.
    """
    request_uri = resolve_text(template, entity, environment, url_quote=True)
    if has_dot_segments(request_uri):
        raise PlaceholderError(
            f"The request URI {request_uri} contains a . or .. path segment after "
            "its placeholders were replaced, so it was not sent."
        )
    return request_uri


class RunContext:
    def __init__(self, run, configuration):
        self.run = run
        self.configuration = configuration
        self.client = configuration.client
        self.environment = Environment()
        try:
            self.client_secret = self.client.get_secret()
        except SecretUnreadable as error:
            raise RunStopped(
                f"The HTTP client “{self.client.name}”: {error}"
            ) from error
        self.outgoing = run.kind == Run.Kind.OUTGOING
        operation = operation_type(configuration.query, configuration.operation_name)
        mutation = operation == "mutation"
        # Publishing checks userErrors, and so does an incoming mutation.
        self.check_user_errors = self.outgoing or mutation
        # A query changes nothing in Centra, so it may be repeated after an
        # HTTP 500 as well.
        self.read_only = operation == "query"
        if self.outgoing:
            self.repeatable = configuration.safe_to_repeat
        else:
            self.repeatable = not mutation

    def load_environment(self, *templates):
        """Check the templates' placeholders and load their environment
        variables; raise RunStopped naming the problem."""
        for label, template in templates:
            problems = check_syntax(template)
            if problems:
                raise RunStopped(f"Malformed placeholder in the {label}: {problems[0]}")
        try:
            self.environment = load_environment(*(t for _, t in templates))
        except PlaceholderError as error:
            raise RunStopped(str(error)) from error

    @property
    def secrets(self):
        return [self.client_secret, *self.environment.secrets]

    def mask(self, text):
        """Mask the client's token and the secret environment values in text."""
        return mask_secrets(text, self.secrets)

    def resolve(self, value, entity, label):
        try:
            return resolve(value, entity, self.environment.values)
        except PlaceholderError as error:
            raise RunStopped(f"The {label}: {error}") from error

    def resolve_uri(self, entity):
        try:
            return resolve_uri(
                self.configuration.request_uri, entity, self.environment.values
            )
        except PlaceholderError as error:
            raise RunStopped(f"The request URI: {error}") from error

    def send(self, variables, request_uri, *, page=None, entity=None):
        """Send the configuration's GraphQL request with `variables` and return
        the Delivery of its last attempt."""
        configuration = self.configuration
        path, body = build_request(
            configuration.method,
            request_uri,
            configuration.query,
            variables,
            configuration.operation_name,
        )

        def record(exchange, verdict, attempt, wait_seconds):
            self.run.request_count += 1
            record_attempt(
                self.run,
                self.client,
                exchange,
                verdict,
                attempt=attempt,
                wait_seconds=wait_seconds,
                secrets=self.secrets,
                page=page,
                entity=entity,
            )
            self.save_progress()

        delivery = deliver(
            self.client,
            configuration.method,
            path,
            json_body=body,
            extra_secrets=self.environment.secrets,
            max_attempts=configuration.max_attempts,
            repeatable=self.repeatable,
            read_only=self.read_only,
            check_user_errors=self.check_user_errors,
            record=record,
            before_attempt=self.stop_if_cancelled,
        )
        delivery.message = self.mask(delivery.message)
        return delivery

    def stop_if_cancelled(self):
        """Raise RunCancelled when someone has asked to cancel the run.

        The flag is read from the database, because the run page sets it
        while this worker works on its own copy of the run.
        """
        requested = (
            Run.objects.filter(pk=self.run.pk)
            .values_list("cancel_requested", flat=True)
            .first()
        )
        if requested:
            raise RunCancelled()

    def save_progress(self):
        """Save the counts and the heartbeat so a page polling the run shows
        them while it works."""
        self.run.heartbeat = timezone.now()
        self.run.save(update_fields=PROGRESS_FIELDS)

    def finish(self, status, *, error="", summary=""):
        run = self.run
        run.status = status
        run.error = self.mask(error)
        run.summary = self.mask(summary)
        run.finished = timezone.now()
        run.heartbeat = run.finished
        run.save(
            update_fields=[*PROGRESS_FIELDS, "status", "error", "summary", "finished"]
        )
