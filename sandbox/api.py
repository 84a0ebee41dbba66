"""One `POST /graphql` request, from raw body to JSON response, without sockets.

The steps follow Centra's Integration API:

1. Authentication. A missing, unknown or expired token gets HTTP 401 and a
   JSON `errors` list (category "authentication").
2. The body is read as `{"query", "variables", "operationName"}` and the
   query is parsed and validated, to learn its complexity and mutations.
3. Rate limits. Every authenticated request costs one REQUEST_COUNT token,
   even a malformed one. An empty bucket gives HTTP 429 with `Retry-After`
   in seconds (category "rate-limit"). A query more complex than the
   smallest complexity quota can never pass, so it gets HTTP 400 instead.
4. A malformed body, a syntax error or a validation error gets HTTP 400
   with `errors` that carry `locations` where GraphQL gives them, as
   graphql-php (which Centra runs on) does when there is no `data`.
5. Execution. Field errors such as a missing permission leave `data` in
   place, so the response is HTTP 200.

Every JSON response carries `extensions` with `complexity` (see
`sandbox.complexity`), `permissionsUsed` and `appVersion`.
"""

import json
import logging
from dataclasses import dataclass, field

from graphql import (
    GraphQLError,
    execute,
    get_operation_ast,
    parse,
    validate,
)

from sandbox.complexity import mutation_count, operation_complexity
from sandbox.ratelimit import RateLimiter
from sandbox.resolvers import RequestContext, sandbox_schema
from sandbox.store import Store
from sandbox.tokens import TokenRegistry, token_from_headers

logger = logging.getLogger(__name__)

APP_VERSION = "centra-sandbox 1.0"
MISSING_TOKEN = (
    "No access token was sent. Send 'Authorization: Bearer <token>' or a "
    "graphql-access cookie."
)


@dataclass
class ApiResponse:
    status: int
    body: dict
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class _Request:
    query: str
    variables: dict | None
    operation_name: str | None


def error_entry(message: str, category: str, **extensions) -> dict:
    return {"message": message, "extensions": {"category": category, **extensions}}


def parse_request_body(raw_body: bytes) -> tuple[_Request | None, str | None]:
    """Return `(request, problem)`, where `problem` explains a malformed body."""
    if not raw_body.strip():
        return None, (
            "The request body is empty. Send a JSON object such as "
            '{"query": "{ rateLimits { type } }"}.'
        )
    try:
        payload = json.loads(raw_body.decode("utf-8"))
    except UnicodeDecodeError:
        return None, "The request body is not UTF-8 text."
    except json.JSONDecodeError as exc:
        return None, (
            f"The request body is not valid JSON: {exc.msg} at line {exc.lineno} "
            f"column {exc.colno}."
        )

    if isinstance(payload, list):
        return None, "Batched requests (a JSON array) are not supported."
    if not isinstance(payload, dict):
        return None, "The request body must be a JSON object with a 'query' string."
    query = payload.get("query")
    if not isinstance(query, str) or not query.strip():
        return None, "The request body has no 'query' string."
    variables = payload.get("variables")
    if variables is not None and not isinstance(variables, dict):
        return None, "'variables' must be a JSON object."
    operation_name = payload.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        return None, "'operationName' must be a string."

    return _Request(query, variables, operation_name), None


class GraphQLEndpoint:
    """Handles GraphQL requests against one store, token registry and limiter."""

    def __init__(self, store: Store, tokens: TokenRegistry, limiter: RateLimiter):
        self.store = store
        self.tokens = tokens
        self.limiter = limiter
        self.schema = sandbox_schema()

    def handle(self, headers, raw_body: bytes) -> ApiResponse:
        token_value, problem = token_from_headers(headers)
        if token_value is None:
            return self._unauthorized(problem or MISSING_TOKEN)
        token = self.tokens.get(token_value)
        if token is None:
            return self._unauthorized("The access token is not valid.")
        if token.is_expired():
            return self._unauthorized("The access token has expired.")

        request, problem = parse_request_body(raw_body)
        document, operation, errors = None, None, []
        if request is not None:
            document, operation, errors = self._prepare(request)

        complexity = mutations = 0
        if operation is not None and not errors:
            complexity = operation_complexity(
                self.schema, document, operation, request.variables
            )
            mutations = mutation_count(operation)

        rejected = self._check_rate_limits(complexity, mutations)
        if rejected is not None:
            return rejected

        if problem is not None:
            return self._respond(400, [error_entry(problem, "graphql")], complexity)
        if errors:
            return self._respond(400, [self._format(e) for e in errors], complexity)

        context = RequestContext(token, self.store, self.limiter)
        result = execute(
            self.schema,
            document,
            context_value=context,
            variable_values=request.variables,
            operation_name=request.operation_name,
        )
        formatted = [self._format(e) for e in result.errors or []]
        status = 400 if result.data is None and formatted else 200
        return self._respond(
            status, formatted, complexity, context.permissions_used, result.data
        )

    def _prepare(self, request: _Request):
        """Parse and validate the query into `(document, operation, errors)`."""
        try:
            document = parse(request.query)
        except GraphQLError as error:
            return None, None, [error]

        errors = validate(self.schema, document)
        if errors:
            return document, None, errors

        operation = get_operation_ast(document, request.operation_name)
        if operation is None:
            if request.operation_name:
                message = f"Unknown operation named '{request.operation_name}'."
            else:
                message = "Give 'operationName' when the query has several operations."
            return document, None, [GraphQLError(message)]
        return document, operation, []

    def _check_rate_limits(self, complexity: int, mutations: int) -> ApiResponse | None:
        largest = self.limiter.largest_cost("QUERY_COMPLEXITY")
        if complexity > largest:
            message = (
                f"Query complexity {complexity} is above the largest allowed "
                f"complexity {largest}. Ask for fewer items per page or fewer fields."
            )
            return self._respond(400, [error_entry(message, "rate-limit")], complexity)

        rejection = self.limiter.charge(
            {
                "REQUEST_COUNT": 1,
                "QUERY_COMPLEXITY": complexity,
                "MUTATION_COUNT": mutations,
            }
        )
        if rejection is None:
            return None

        period = "10 seconds" if rejection.interval_name == "TEN_SECONDS" else "hour"
        message = (
            f"Rate limit exceeded: {rejection.kind} quota of {rejection.quota} per "
            f"{period} is used up. Retry after {rejection.retry_after} seconds."
        )
        entry = error_entry(
            message,
            "rate-limit",
            type=rejection.kind,
            intervalSeconds=rejection.interval_name,
        )
        response = self._respond(429, [entry], complexity)
        response.headers["Retry-After"] = str(rejection.retry_after)
        return response

    def error_response(self, status: int, message: str) -> ApiResponse:
        """Build a response with one error entry and the usual extensions."""
        return self._respond(status, [error_entry(message, "graphql")], 0)

    def _unauthorized(self, message: str) -> ApiResponse:
        response = self._respond(401, [error_entry(message, "authentication")], 0)
        response.headers["WWW-Authenticate"] = 'Bearer realm="Centra Integration API"'
        return response

    def _format(self, error: GraphQLError) -> dict:
        formatted = error.formatted
        original = error.original_error
        if original is not None and not isinstance(original, GraphQLError):
            # A bug in the sandbox: log it, but send no Python details.
            logger.error("Resolver failed at %s", error.path, exc_info=original)
            formatted["message"] = "Internal server error."
            formatted["extensions"] = {"category": "internal"}
        formatted.setdefault("extensions", {}).setdefault("category", "graphql")
        return formatted

    def _respond(self, status, errors, complexity, permissions=(), data=None):
        body: dict = {}
        if status < 400 or data is not None:
            body["data"] = data
        if errors:
            body["errors"] = errors
        body["extensions"] = {
            "complexity": complexity,
            "permissionsUsed": sorted(permissions),
            "appVersion": APP_VERSION,
        }
        return ApiResponse(status, body)
