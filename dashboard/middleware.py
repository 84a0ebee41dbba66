"""Login enforcement that also works for htmx requests."""

from urllib.parse import urlsplit

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


class HtmxLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, but an htmx request without a session
    gets an `HX-Redirect` to the login page instead of a 302.

    htmx follows a 302 inside XMLHttpRequest and swaps the login page into
    the element that asked, so a polling run page would show a login page
    inside itself. With `HX-Redirect`, htmx loads the login page as a whole
    page, and its `next` is the page the user was on (the `HX-Current-URL`
    header) rather than the fragment URL that htmx requested.
    """

    def handle_no_permission(self, request, view_func):
        if request.headers.get("HX-Request") != "true":
            return super().handle_no_permission(request, view_func)

        login_url = resolve_url(self.get_login_url(view_func))
        next_url = self.current_page(request)
        target = redirect_to_login(
            next_url, login_url, self.get_redirect_field_name(view_func)
        ).url
        # 401 keeps htmx from swapping the empty body in, and htmx reads
        # HX-Redirect before it looks at the status.
        response = HttpResponse(status=401)
        response["HX-Redirect"] = target
        return response

    def current_page(self, request):
        """Return the path and query of the page that sent the htmx request,
        or the home page when the `HX-Current-URL` header is missing or names
        another site."""
        url = request.headers.get("HX-Current-URL", "")
        allowed = url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        if not url or not allowed:
            return reverse("home")
        parts = urlsplit(url)
        page = parts.path or "/"
        if parts.query:
            page += f"?{parts.query}"
        # A path such as //other.example would read as another host.
        if not url_has_allowed_host_and_scheme(page, allowed_hosts=set()):
            return reverse("home")
        return page
