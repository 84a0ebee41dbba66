"""The "Test connection" button, against the Centra sandbox and tiny servers."""

import socket
from http import HTTPStatus

import pytest
from django.urls import reverse

from clients.models import HttpClient
from tests.test_http_seam import RecordingServer, answer

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def serve():
    servers = []

    def start(respond):
        servers.append(RecordingServer(respond))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def make_client():
    def make(base_uri, secret, **fields):
        http_client = HttpClient(
            name="Centra sandbox",
            identifier=f"client-{HttpClient.objects.count() + 1}",
            base_uri=base_uri,
            **fields,
        )
        http_client.set_secret(secret)
        http_client.save()
        return http_client

    return make


@pytest.fixture
def sandbox_client(sandbox, make_client):
    return make_client(sandbox.url + "/graphql", sandbox.token)


def run_test(admin_client, http_client):
    url = reverse("client_test", args=[http_client.code])
    response = admin_client.post(url, **HTMX)
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def test_sandbox_is_reachable_and_authorised(admin_client, sandbox, sandbox_client):
    result = run_test(admin_client, sandbox_client)

    assert "Reachable and authorised." in result
    assert "alert-success" in result
    seen = sandbox.requests_seen[-1]
    assert seen.headers["Authorization"] == f"Bearer {sandbox.token}"
    assert seen.json == {"query": "{ __typename }"}
    assert sandbox.token not in result


def test_sandbox_accepts_token_with_few_permissions(admin_client, sandbox, make_client):
    token = sandbox.add_token(["Order:read"])
    http_client = make_client(sandbox.url + "/graphql", token)

    assert "Reachable and authorised." in run_test(admin_client, http_client)


def test_sandbox_refuses_unknown_token(admin_client, sandbox, make_client):
    http_client = make_client(sandbox.url + "/graphql", "not-a-real-token")
    result = run_test(admin_client, http_client)

    assert "Token refused." in result
    assert "alert-danger" in result
    assert "not-a-real-token" not in result


def test_store_root_finds_graphql_path(admin_client, sandbox, make_client):
    for base_uri in (sandbox.url, sandbox.url + "/"):
        sandbox.reset()
        result = run_test(admin_client, make_client(base_uri, sandbox.token))

        assert f"Reachable and authorised at {sandbox.url}/graphql." in result
        assert "need the request URI /graphql." in result
        assert "alert-success" in result
        assert [seen.path for seen in sandbox.requests_seen] == ["/", "/graphql"]


def test_store_root_unknown_token_refused(admin_client, sandbox, make_client):
    result = run_test(admin_client, make_client(sandbox.url, "not-a-real-token"))

    assert "Token refused." in result
    assert f"so the test used {sandbox.url}/graphql." in result
    assert "alert-danger" in result


def graphql_only_at(path, miss):
    """Return a responder that sends a GraphQL response at `path` only.

    Other paths get the response that `miss(handler)` writes.
    """
    body = b'{"data": {"__typename": "Query"}}'

    def respond(handler):
        if handler.path == path:
            answer(handler, body=body)
        else:
            miss(handler)

    return respond


@pytest.mark.parametrize(
    "miss",
    [
        lambda h: answer(h, status=404, body=b"Not found", content_type="text/plain"),
        lambda h: answer(h, status=405, body=b'{"message": "Use GET"}'),
        lambda h: answer(h, body=b"<html>Shop</html>", content_type="text/html"),
        lambda h: answer(h, body=b'{"shop": "eu"}'),
    ],
    ids=["404", "405", "html", "json-without-data"],
)
def test_graphql_path_is_tried_after_miss(admin_client, serve, make_client, miss):
    server = serve(graphql_only_at("/shop/graphql", miss))
    result = run_test(admin_client, make_client(server.url + "/shop", "token-1234"))

    assert f"Reachable and authorised at {server.url}/shop/graphql." in result
    assert [request["path"] for request in server.requests] == [
        "/shop",
        "/shop/graphql",
    ]
    assert all(request["method"] == "POST" for request in server.requests)


def test_graphql_path_is_not_tried_twice(admin_client, serve, make_client):
    server = serve(lambda h: answer(h, body=b'{"shop": "eu"}'))
    result = run_test(admin_client, make_client(server.url + "/graphql/", "tok-1234"))

    assert "Not a GraphQL response." in result
    assert len(server.requests) == 1


def test_graphql_path_miss_keeps_first_verdict(admin_client, serve, make_client):
    server = serve(lambda h: answer(h, body=b'{"shop": "eu"}'))
    result = run_test(admin_client, make_client(server.url, "token-1234"))

    assert "Not a GraphQL response." in result
    assert "alert-warning" in result
    assert (
        f"A request to {server.url}/graphql returned HTTP 200 without a GraphQL "
        "response too." in result
    )
    assert [request["path"] for request in server.requests] == ["/", "/graphql"]


def test_graphql_path_redirect_keeps_first_verdict(admin_client, serve, make_client):
    def respond(handler):
        if handler.path == "/graphql":
            answer(handler, status=302, Location="/login")
        else:
            answer(handler, status=404, body=b"", content_type="text/plain")

    server = serve(respond)
    result = run_test(admin_client, make_client(server.url, "token-1234"))

    assert "The response is not JSON." in result
    assert f"A request to {server.url}/graphql failed too." in result
    assert "POST requests are not followed" in result
    assert "so the test used" not in result


def test_refused_token_is_not_retried(admin_client, serve, make_client):
    server = serve(lambda h: answer(h, status=401, body=b"{}"))
    result = run_test(admin_client, make_client(server.url, "token-1234"))

    assert "Token refused." in result
    assert len(server.requests) == 1


def test_graphql_path_query_error_is_reported(admin_client, serve, make_client):
    body = b'{"errors": [{"message": "Cannot query field"}]}'

    def respond(handler):
        if handler.path == "/graphql":
            answer(handler, status=400, body=body)
        else:
            answer(handler, status=404, body=b"", content_type="text/plain")

    server = serve(respond)
    result = run_test(admin_client, make_client(server.url, "token-1234"))

    assert "Reachable, but the query failed." in result
    assert f"so the test used {server.url}/graphql." in result


def test_sandbox_html_page_is_not_json(admin_client, sandbox, sandbox_client):
    sandbox.faults.set(html_error=True)
    result = run_test(admin_client, sandbox_client)

    assert "The response is an HTML page, not JSON." in result


def test_sandbox_redirect_is_explained(admin_client, sandbox, sandbox_client):
    sandbox.faults.set(redirect_to="http://127.0.0.1:9/graphql")
    result = run_test(admin_client, sandbox_client)

    assert "Redirected." in result
    assert "http://127.0.0.1:9/graphql" in result
    assert "POST requests are not followed" in result


def test_sandbox_hang_times_out(admin_client, sandbox, make_client):
    sandbox.faults.set(hang=True)
    http_client = make_client(
        sandbox.url + "/graphql", sandbox.token, connect_timeout=0.5, total_timeout=0.5
    )
    result = run_test(admin_client, http_client)

    assert "Timed out." in result
    assert "0.5 s" in result


def test_sandbox_over_https_is_tls_failure(admin_client, sandbox, make_client):
    url = sandbox.url.replace("http://", "https://") + "/graphql"
    result = run_test(admin_client, make_client(url, sandbox.token))

    assert "TLS (HTTPS) failure." in result


def test_unknown_host_is_explained(admin_client, make_client):
    http_client = make_client("http://centra-shop.invalid/graphql", "token-1234")
    result = run_test(admin_client, http_client)

    assert "Host unknown." in result
    assert "centra-shop.invalid could not be resolved" in result


def test_closed_port_is_connection_refused(admin_client, make_client):
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    result = run_test(admin_client, make_client(f"http://127.0.0.1:{port}", "tok-1234"))

    assert "Connection refused." in result


def test_plain_text_answer_is_not_json(admin_client, serve, make_client):
    server = serve(lambda h: answer(h, body=b"ok", content_type="text/plain"))
    result = run_test(admin_client, make_client(server.url, "token-1234"))

    assert "The response is not JSON." in result
    assert "text/plain" in result


def test_authorization_error_in_errors_list(admin_client, serve, make_client):
    body = b'{"errors": [{"message": "Unauthorized: token lacks access"}]}'
    server = serve(lambda h: answer(h, body=body))
    result = run_test(admin_client, make_client(server.url, "token-1234"))

    assert "Token refused." in result
    assert "Unauthorized: token lacks access" in result


def test_other_graphql_error_is_a_warning(admin_client, serve, make_client):
    body = b'{"errors": [{"message": "Cannot query field"}]}'
    server = serve(lambda h: answer(h, status=400, body=body))
    result = run_test(admin_client, make_client(server.url, "token-1234"))

    assert "Reachable, but the query failed." in result
    assert "alert-warning" in result


def test_forbidden_status_is_token_refused(admin_client, serve, make_client):
    server = serve(lambda h: answer(h, status=403, body=b"{}"))
    result = run_test(admin_client, make_client(server.url, "token-1234"))

    assert "Token refused." in result
    assert "HTTP 403" in result


def test_generic_client_gets_base_uri(admin_client, serve, make_client):
    server = serve(lambda h: answer(h, body=b"<html></html>", content_type="text/html"))
    http_client = make_client(
        server.url + "/status", "token-1234", prototype="generic", auth_kind="none"
    )
    result = run_test(admin_client, http_client)

    assert "Reachable." in result
    assert server.requests[0]["method"] == "GET"
    assert server.requests[0]["path"] == "/status"


def test_generic_client_not_found(admin_client, serve, make_client):
    server = serve(lambda h: answer(h, status=404, body=b"{}"))
    http_client = make_client(server.url, "token-1234", prototype="generic")
    result = run_test(admin_client, http_client)

    assert "HTTP 404." in result
    assert "Check the path" in result


def test_generic_client_get_not_allowed(admin_client, serve, make_client):
    server = serve(lambda h: answer(h, status=405, body=b"{}", Allow="POST"))
    http_client = make_client(server.url, "token-1234", prototype="generic")
    result = run_test(admin_client, http_client)

    assert "HTTP 405." in result
    assert f"The server does not accept GET requests at {server.url}." in result
    assert "It allows POST." in result
    assert "use the Centra GraphQL Client prototype, which sends a POST" in result


def test_generic_client_at_sandbox_endpoint(admin_client, sandbox, make_client):
    http_client = make_client(
        sandbox.url + "/graphql", sandbox.token, prototype="generic"
    )
    result = run_test(admin_client, http_client)

    assert "HTTP 405." in result
    assert "Centra GraphQL Client prototype" in result
    assert sandbox.requests_seen[-1].method == "GET"


def test_without_htmx_result_is_a_message(admin_client, sandbox, sandbox_client):
    url = reverse("client_test", args=[sandbox_client.code])
    response = admin_client.post(url, follow=True)

    edit_url = reverse("client_edit", args=[sandbox_client.code])
    assert response.redirect_chain == [(edit_url, HTTPStatus.FOUND)]
    assert "Test connection: Reachable and authorised." in response.content.decode()


def test_disabled_client_can_be_tested(admin_client, sandbox, make_client):
    http_client = make_client(sandbox.url + "/graphql", sandbox.token, disabled=True)
    result = run_test(admin_client, http_client)

    assert "Reachable and authorised." in result
    assert "This client is disabled" in result


def test_test_connection_rejects_get(admin_client, make_client):
    http_client = make_client("https://shop.example/graphql", "token-1234")
    response = admin_client.get(reverse("client_test", args=[http_client.code]))

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
