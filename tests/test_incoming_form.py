"""Checks that an incoming configuration must pass before it is saved."""

import json

import pytest

from clients.models import HttpClient
from connections.forms import IncomingForm
from connections.models import IncomingConfiguration

pytestmark = pytest.mark.django_db

ORDERS_QUERY = """query Orders($first: Int, $after: String) {
  orderConnection(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { number } }
  }
}"""


@pytest.fixture
def client_row():
    return HttpClient.objects.create(
        name="Store", identifier="store", base_uri="https://shop.example.com"
    )


def form_data(client_row, **changes):
    data = {
        "name": "Orders",
        "identifier": "",
        "description": "",
        "subscriber": "centra_graphql",
        "client": str(client_row.code),
        "request_uri": "/graphql",
        "method": "POST",
        "query": ORDERS_QUERY,
        "variables": '{"first": 50}',
        "operation_name": "",
        "entities_path": "data.orderConnection.edges.*.node",
        "input_transformer": "",
        "pagination": "none",
        "has_next_path": "",
        "end_cursor_path": "",
        "cursor_variable": "",
        "page_variable": "",
        "page_size": "",
        "max_pages": "100",
        "max_attempts": "3",
    }
    data.update(changes)
    return data


def test_valid_form_saves_and_fills_identifier(client_row):
    form = IncomingForm(form_data(client_row, name="Pending orders"))

    assert form.is_valid(), form.errors
    saved = form.save()
    assert saved.identifier == "pending-orders"
    assert saved.variables == {"first": 50}


def test_identifier_gets_number_when_taken(client_row):
    IncomingForm(form_data(client_row)).save()
    form = IncomingForm(form_data(client_row))

    assert form.is_valid(), form.errors
    assert form.save().identifier == "orders-2"


def test_typed_duplicate_identifier_is_rejected(client_row):
    IncomingForm(form_data(client_row)).save()
    form = IncomingForm(form_data(client_row, identifier="orders"))

    assert not form.is_valid()
    assert "identifier" in form.errors


def test_graphql_syntax_error_names_line_and_column(client_row):
    form = IncomingForm(form_data(client_row, query="query {\n  orders(\n}"))

    assert not form.is_valid()
    message = form.errors["query"][0]
    assert "line 3, column 1" in message
    assert "Invalid GraphQL" in message


def test_variables_json_error_names_line_and_column(client_row):
    form = IncomingForm(form_data(client_row, variables='{\n  "first": 50,\n}'))

    assert not form.is_valid()
    message = form.errors["variables"][0]
    assert "line 3, column 1" in message


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_blank_variables_mean_none(client_row, text):
    query = "query Orders { orders { number } }"
    form = IncomingForm(form_data(client_row, query=query, variables=text))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["variables"] == {}


def test_json_string_holding_object_is_parsed(client_row):
    text = json.dumps(json.dumps({"first": 10}))
    form = IncomingForm(form_data(client_row, variables=text))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["variables"] == {"first": 10}


@pytest.mark.parametrize(
    ("text", "kind"),
    [("[1, 2]", "a list"), ("50", "a number"), ('"first"', "a string")],
)
def test_non_object_variables_are_rejected(client_row, text, kind):
    form = IncomingForm(form_data(client_row, variables=text))

    assert not form.is_valid()
    assert kind in form.errors["variables"][0]


def test_nan_in_variables_is_rejected(client_row):
    form = IncomingForm(form_data(client_row, variables='{"first": NaN}'))

    assert not form.is_valid()
    assert "NaN" in form.errors["variables"][0]


def test_nul_character_in_variables_is_rejected(client_row):
    form = IncomingForm(form_data(client_row, variables='{"first": "a\\u0000"}'))

    assert not form.is_valid()
    assert "\\u0000" in form.errors["variables"][0]


def test_missing_required_variable_is_an_error(client_row):
    query = "query One($number: Int!) { order(number: $number) { id } }"
    form = IncomingForm(form_data(client_row, query=query, variables=""))

    assert not form.is_valid()
    assert "$number: Int!" in form.errors["variables"][0]


def test_missing_variable_with_default_is_fine(client_row):
    query = "query One($number: Int! = 5) { order(number: $number) { id } }"
    form = IncomingForm(form_data(client_row, query=query, variables=""))

    assert form.is_valid(), form.errors
    assert form.warnings


def test_missing_nullable_variable_is_a_warning(client_row):
    form = IncomingForm(form_data(client_row, variables=""))

    assert form.is_valid(), form.errors
    assert any("$first: Int" in warning for warning in form.warnings)
    assert any("$after: String" in warning for warning in form.warnings)


def test_undeclared_variable_is_an_error(client_row):
    form = IncomingForm(form_data(client_row, variables='{"first": 5, "limit": 5}'))

    assert not form.is_valid()
    assert "“limit” is not a variable of the query" in form.errors["variables"][0]


def test_wrong_literal_type_is_an_error(client_row):
    form = IncomingForm(form_data(client_row, variables='{"first": "50"}'))

    assert not form.is_valid()
    assert "must be an Int" in form.errors["variables"][0]


def test_placeholder_value_skips_type_check(client_row):
    form = IncomingForm(form_data(client_row, variables='{"first": "${PAGE_SIZE}"}'))

    assert form.is_valid(), form.errors


def test_input_transformer_keys_count_as_given(client_row):
    query = "query One($number: Int!) { order(number: $number) { id } }"
    form = IncomingForm(
        form_data(
            client_row,
            query=query,
            variables="",
            input_transformer='{"number": "${ORDER_NUMBER}"}',
        )
    )

    assert form.is_valid(), form.errors
    assert form.save().input_transformer == {"number": "${ORDER_NUMBER}"}


def test_undeclared_input_transformer_key_is_an_error(client_row):
    form = IncomingForm(form_data(client_row, input_transformer='{"since": "x"}'))

    assert not form.is_valid()
    assert "“since”" in form.errors["input_transformer"][0]


def test_undefined_used_variable_is_error(client_row):
    query = "query { order(number: $number) { id } }"
    form = IncomingForm(form_data(client_row, query=query, variables=""))

    assert not form.is_valid()
    assert "uses $number but does not define it" in form.errors["query"][0]


def cursor_data(client_row, **changes):
    pagination = {
        "pagination": "cursor",
        "has_next_path": "data.orderConnection.pageInfo.hasNextPage",
        "end_cursor_path": "data.orderConnection.pageInfo.endCursor",
        "cursor_variable": "after",
    }
    return form_data(client_row, **{**pagination, **changes})


def test_cursor_variable_counts_as_given(client_row):
    query = """query Orders($first: Int!, $after: String!) {
      orderConnection(first: $first, after: $after) { edges { node { id } } }
    }"""
    form = IncomingForm(cursor_data(client_row, query=query))

    assert form.is_valid(), form.errors
    assert form.warnings == []


def test_undefined_cursor_variable_is_error(client_row):
    form = IncomingForm(cursor_data(client_row, cursor_variable="cursor"))

    assert not form.is_valid()
    assert "does not define $cursor" in form.errors["cursor_variable"][0]


def test_cursor_pagination_requires_its_paths(client_row):
    form = IncomingForm(form_data(client_row, pagination="cursor"))

    assert not form.is_valid()
    assert "has_next_path" in form.errors
    assert "end_cursor_path" in form.errors
    assert "cursor_variable" in form.errors


def test_page_variable_counts_as_given(client_row):
    query = "query Orders($page: Int!) { orders(page: $page) { id } }"
    form = IncomingForm(
        form_data(
            client_row,
            query=query,
            variables="",
            pagination="page",
            page_variable="page",
            entities_path="data.orders",
        )
    )

    assert form.is_valid(), form.errors


def test_two_operations_need_an_operation_name(client_row):
    query = "query A { a } query B { b }"
    form = IncomingForm(form_data(client_row, query=query, variables=""))

    assert not form.is_valid()
    assert "2 operations" in form.errors["operation_name"][0]


@pytest.mark.parametrize("operation_name", ["", "B"])
def test_anonymous_operation_among_several_rejected(client_row, operation_name):
    query = "{ a } query B { b }"
    form = IncomingForm(
        form_data(client_row, query=query, variables="", operation_name=operation_name)
    )

    assert not form.is_valid()
    assert form.errors["query"] == [
        "The query contains 2 operations and 1 of them has no name. An operation "
        "without a name cannot be chosen by name, so name every operation "
        "(query Orders { … }) or keep only one operation in the document."
    ]
    assert "operation_name" not in form.errors


def test_two_named_operations_are_listed(client_row):
    query = "query A { a } query B { b }"
    form = IncomingForm(form_data(client_row, query=query, variables=""))

    assert not form.is_valid()
    assert form.errors["operation_name"] == [
        "The query contains 2 operations, so enter the name of the one to run (A, B)."
    ]


def test_operation_name_picks_one_of_several(client_row):
    query = "query A { a } query B($first: Int) { b(first: $first) }"
    form = IncomingForm(form_data(client_row, query=query, operation_name="B"))

    assert form.is_valid(), form.errors


def test_unknown_operation_name_is_an_error(client_row):
    form = IncomingForm(form_data(client_row, operation_name="Missing"))

    assert not form.is_valid()
    assert "no operation named “Missing”" in form.errors["operation_name"][0]
    assert "Orders" in form.errors["operation_name"][0]


def test_invalid_entities_path_is_rejected(client_row):
    form = IncomingForm(form_data(client_row, entities_path="data..orders"))

    assert not form.is_valid()
    assert "entities_path" in form.errors


def test_absolute_request_uri_is_rejected(client_row):
    form = IncomingForm(form_data(client_row, request_uri="https://evil.test/x"))

    assert not form.is_valid()
    assert "request_uri" in form.errors


def test_empty_request_uri_is_allowed(client_row):
    form = IncomingForm(form_data(client_row, request_uri=""))

    assert form.is_valid(), form.errors


def test_disabled_client_cannot_be_chosen(client_row):
    client_row.disabled = True
    client_row.save()
    form = IncomingForm(form_data(client_row))

    assert not form.is_valid()
    assert "does not exist or is disabled" in form.errors["client"][0]


def test_existing_disabled_client_stays_valid(client_row):
    configuration = IncomingForm(form_data(client_row)).save()
    client_row.disabled = True
    client_row.save()
    form = IncomingForm(form_data(client_row), instance=configuration)

    assert form.is_valid(), form.errors


def test_unknown_choice_is_rejected(client_row):
    form = IncomingForm(form_data(client_row, method="TRACE", pagination="offset"))

    assert not form.is_valid()
    assert "method" in form.errors
    assert "pagination" in form.errors


def test_over_long_name_is_rejected(client_row):
    form = IncomingForm(form_data(client_row, name="x" * 101))

    assert not form.is_valid()
    assert "name" in form.errors


def test_max_attempts_out_of_range_is_rejected(client_row):
    form = IncomingForm(form_data(client_row, max_attempts="0"))

    assert not form.is_valid()
    assert "max_attempts" in form.errors


def test_stale_edit_is_caught_then_allowed(client_row):
    configuration = IncomingForm(form_data(client_row)).save()
    opened = IncomingForm(instance=configuration).initial["updated_seen"]
    IncomingConfiguration.objects.filter(pk=configuration.pk).update(
        description="changed elsewhere"
    )
    configuration.refresh_from_db()
    configuration.save()

    first = IncomingForm(
        form_data(client_row, updated_seen=opened), instance=configuration
    )
    assert not first.is_valid()
    assert "Someone else saved" in first.non_field_errors()[0]

    second = IncomingForm(first.data, instance=configuration)
    assert second.is_valid(), second.errors


def test_request_uri_with_fragment_is_rejected(client_row):
    form = IncomingForm(form_data(client_row, request_uri="/graphql#orders"))

    assert not form.is_valid()
    assert "#fragment" in form.errors["request_uri"][0]
