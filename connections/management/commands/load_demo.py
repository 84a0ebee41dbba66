import json
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator
from django.db import transaction

from clients.models import HttpClient
from connections.forms import IncomingForm, OutgoingForm
from connections.models import IncomingConfiguration, OutgoingConfiguration

CLIENT_IDENTIFIER = "centra-sandbox"

# Order is an interface in Centra's schema, and only direct-to-consumer orders
# have a customer, so `customer` is read through an inline fragment.
PENDING_ORDERS_QUERY = """\
query PendingOrders($first: Int, $after: String) {
  orderConnection(first: $first, after: $after, where: {status: [PENDING]}) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        id
        number
        status
        orderDate
        grandTotal { value currency { code } }
        ... on DirectToConsumerOrder { customer { email } }
      }
    }
  }
}
"""

CONFIRM_ORDER_MUTATION = """\
mutation ConfirmOrder($number: Int!) {
  confirmOrder(input: {order: {number: $number}}) {
    order { number status }
    userErrors { message path }
  }
}
"""

INCOMING = {
    "identifier": "pending-orders",
    "name": "Pending orders",
    "description": "Fetches every pending order, 50 a page, following the cursor.",
    "request_uri": "/graphql",
    "method": "POST",
    "query": PENDING_ORDERS_QUERY,
    "variables": {"first": 50},
    "operation_name": "",
    "entities_path": "data.orderConnection.edges.*.node",
    "input_transformer": {},
    "pagination": IncomingConfiguration.Pagination.CURSOR,
    "has_next_path": "data.orderConnection.pageInfo.hasNextPage",
    "end_cursor_path": "data.orderConnection.pageInfo.endCursor",
    "cursor_variable": "after",
    "page_variable": "",
    "page_size": 50,
    "max_pages": 100,
    "max_attempts": 3,
    "subscriber": IncomingConfiguration.Subscriber.CENTRA_GRAPHQL,
}

OUTGOING = {
    "identifier": "confirm-order",
    "name": "Confirm order",
    "description": "Confirms each order entity by its number.",
    "request_uri": "/graphql",
    "method": "POST",
    "query": CONFIRM_ORDER_MUTATION,
    "variables": {"number": "&{number}"},
    "operation_name": "",
    "safe_to_repeat": False,
    "max_attempts": 3,
    "publisher": OutgoingConfiguration.Publisher.CENTRA,
}


class Command(BaseCommand):
    help = (
        "Create or update the demo set-up against the local Centra sandbox: the "
        "HTTP client “Centra sandbox”, the incoming configuration “Pending "
        "orders” and the outgoing configuration “Confirm order”. Running it "
        "again points the client at the given sandbox URL and token and leaves "
        "the user's changes to the demo objects alone; --reset restores the "
        "demo values. Runs are always kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--sandbox-url",
            default="http://127.0.0.1:8001",
            help="Root URL of the sandbox. The demo sends requests to <URL>/graphql.",
        )
        parser.add_argument(
            "--token",
            default=os.environ.get("SANDBOX_TOKEN", ""),
            help="Sandbox access token (default: the SANDBOX_TOKEN environment "
            "variable). It is required the first time, and later runs keep the "
            "stored token when it is left out.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Restore the demo values of objects that exist already.",
        )

    def handle(self, *args, sandbox_url, token, reset, **options):
        sandbox_url = sandbox_url.rstrip("/")
        try:
            URLValidator(schemes=["http", "https"])(sandbox_url)
        except ValidationError as error:
            raise CommandError(
                f"--sandbox-url {sandbox_url!r} is not an http(s) URL."
            ) from error

        with transaction.atomic():
            client = self.save_client(sandbox_url, token, reset)
            incoming = self.save_configuration(IncomingForm, INCOMING, client, reset)
            outgoing = self.save_configuration(OutgoingForm, OUTGOING, client, reset)

        for obj in (client, incoming, outgoing):
            self.stdout.write(
                f"{obj._meta.verbose_name}: {obj.name} ({obj.identifier})"
            )
        self.stdout.write(self.style.SUCCESS("Demo loaded."))

    def save_client(self, sandbox_url, token, reset):
        client = HttpClient.objects.filter(identifier=CLIENT_IDENTIFIER).first()
        if client is None:
            client = HttpClient(identifier=CLIENT_IDENTIFIER)
            reset = True
        if not token and not client.has_secret:
            raise CommandError("Pass the sandbox's access token with --token.")

        client.base_uri = sandbox_url
        if token:
            client.set_secret(token)
        if reset:
            self.apply_client_defaults(client)
        try:
            client.full_clean()
        except ValidationError as error:
            raise CommandError(f"The demo HTTP client is invalid: {error}") from error
        client.save()
        return client

    def apply_client_defaults(self, client):
        client.name = "Centra sandbox"
        client.description = "The local Centra stand-in started by the demo."
        client.disabled = False
        client.prototype = HttpClient.Prototype.CENTRA_GRAPHQL
        client.auth_kind = HttpClient.AuthKind.BEARER
        client.logging = HttpClient.Logging.FULL

    def save_configuration(self, form_class, values, client, reset):
        """Save a demo configuration through its form, so it passes the same
        checks as one saved in the dashboard. An existing one is kept as the
        user left it unless `reset` is set."""
        model = form_class._meta.model
        instance = model.objects.filter(identifier=values["identifier"]).first()
        if instance is not None and not reset:
            return instance
        data = {**values, "client": client.code}
        form = form_class(data=_form_data(data), instance=instance)
        if not form.is_valid():
            raise CommandError(
                f"The demo {model._meta.verbose_name} is invalid: "
                f"{form.errors.as_text()}"
            )
        return form.save()


def _form_data(values):
    """Return form data for `values`: JSON fields as text, False omitted."""
    data = {}
    for key, value in values.items():
        if isinstance(value, dict):
            data[key] = json.dumps(value)
        elif value is False:
            continue
        elif value is None:
            data[key] = ""
        else:
            data[key] = str(value)
    return data
