"""Pages of following: the "following" page of the account, the follow and unfollow buttons
(POST forms), the emailed confirmation and unsubscribe links, and a search's Atom feed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from search.engine import SearchQuery
from search.follows import (
    digest_address_confirm,
    digest_address_confirmed,
    digest_confirmation_send,
    follow_add,
    follow_remove,
    follows_for_user,
    unsubscribe,
    unsubscribe_token_read,
)
from search.models import FollowKind
from search.params import SearchParamError, query_to_params, search_query_from_params
from search.service import search_run

FEED_LENGTH = 50


def _back(request: HttpRequest, fallback: str = "following") -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


@login_required
@require_GET
def following(request: HttpRequest) -> HttpResponse:
    follows = follows_for_user(request.user)
    for follow in follows:
        if follow.kind == FollowKind.SEARCH:
            follow.feed_url = "/search/feed.atom?" + follow.target
            follow.page_url = "/search/?" + follow.target
    context = {"follows": follows, "confirmed": digest_address_confirmed(request.user)}
    return render(request, "search/following.html", context)


@login_required
@require_POST
def follow(request: HttpRequest) -> HttpResponse:
    try:
        done = follow_add(
            user=request.user,
            kind=request.POST.get("kind", ""),
            target=request.POST.get("target", "")[:2000],
        )
    except ValidationError as invalid:
        for message in invalid.messages:
            messages.error(request, message)
        return _back(request)
    note = f"You follow {done.label}."
    if not digest_address_confirmed(request.user):
        note += (
            f" Confirm your address with the link we emailed to {request.user.email}"
            " to get digests."
        )
    messages.success(request, note)
    return _back(request)


@login_required
@require_POST
def unfollow(request: HttpRequest, follow_id: int) -> HttpResponse:
    if follow_remove(user=request.user, follow_id=follow_id):
        messages.success(request, "You no longer follow it.")
    return _back(request)


@login_required
@require_POST
def send_confirmation(request: HttpRequest) -> HttpResponse:
    if digest_confirmation_send(user=request.user):
        messages.success(request, f"We emailed a confirmation link to {request.user.email}.")
    else:
        messages.info(request, "Your address is confirmed, or a link was sent within the hour.")
    return redirect("following")


@require_GET
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    address = digest_address_confirm(token=token)
    status = 200 if address else 400
    return render(request, "search/follow_confirmed.html", {"address": address}, status=status)


# The token authenticates the request; mail clients' one-click POST (RFC 8058) carries no
# CSRF cookie. A GET (a link prefetched by a mail scanner) only shows the button.
@csrf_exempt
def unsubscribe_page(request: HttpRequest, token: str) -> HttpResponse:
    read = unsubscribe_token_read(token)
    if read is None:
        return render(request, "search/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        stopped = unsubscribe(token=token)
        return render(request, "search/unsubscribe.html", {"done": True, "stopped": stopped})
    if request.method != "GET":
        return HttpResponse(status=405)
    return render(request, "search/unsubscribe.html", {"all": read[1] is None})


class SearchFeed(Feed):
    """The newest matches of any search (a saved search's feed): its URL parameters, newest
    submitted first, as Atom. Titles are plain text; Atom escapes them."""

    feed_type = Atom1Feed
    description_template = None

    def get_object(self, request: HttpRequest) -> SearchQuery:
        try:
            query = search_query_from_params(request.GET)
        except SearchParamError as exc:
            raise Http404(str(exc)) from None
        if query.type == "disclosure":
            raise Http404("Disclosure searches have no feed.")
        return query

    def title(self, obj: SearchQuery) -> str:
        return f"Search: {obj.parsed.text or 'everything'} ({obj.type}s)"

    def link(self, obj: SearchQuery) -> str:
        from django.utils.http import urlencode

        return "/search/?" + urlencode(query_to_params(obj, page=None, page_size=None))

    def items(self, obj: SearchQuery) -> list:
        from dataclasses import replace

        newest = replace(obj, sort="submitted", page=1, page_size=FEED_LENGTH, with_facets=False)
        return list(search_run(newest).hits)

    def item_title(self, item: object) -> str:
        return item.title or "(untitled)"

    def item_link(self, item: object) -> str:
        return item.url

    def item_description(self, item: object) -> str:
        return str(item.snippet)  # escaped by the engine; the only markup is <mark>

    def item_pubdate(self, item: object):  # noqa: ANN201
        import datetime

        return datetime.datetime.combine(item.date, datetime.time()) if item.date else None


_search_feed = SearchFeed()


@require_GET
def search_feed(request: HttpRequest) -> HttpResponse:
    """The feed of the search in the query string; a bad parameter is a 400 that says why."""
    try:
        query = search_query_from_params(request.GET)
    except SearchParamError as exc:
        return HttpResponse(f"{exc}\n", status=400, content_type="text/plain; charset=utf-8")
    if query.type == "disclosure":
        return HttpResponse(
            "Disclosure searches have no feed.\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    return _search_feed(request)
