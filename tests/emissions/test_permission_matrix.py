"""Who may do what: every page and API action for each kind of person.

404 where the disclosure must not be seen to exist (another's draft, a conflicted reviewer,
anonymous visitors on unverified ones); 403 where it is visible but the action is not theirs;
401 from the API and a login redirect from the pages for anonymous writes.
"""

import pytest

from emissions.models import Disclosure
from tests.emissions.conftest import make_disclosure

ROLES = ["anonymous", "researcher", "other_researcher", "reviewer", "conflicted_reviewer", "chair"]
LOGIN = "login"  # a redirect to the login page
DONE = "done"  # a redirect after the action (the page's success path)


def _client(client, world, role):
    if role != "anonymous":
        client.force_login(getattr(world, role))
    return client


def _matrix(cases):
    """Flatten {case: (expected per role)} into parametrize ids."""
    return [
        pytest.param(case, role, expected, id=f"{case}-{role}")
        for case, codes in cases.items()
        for role, expected in zip(ROLES, codes, strict=True)
    ]


# case: (method, url template, disclosure state, body), then the expected result per role.
PAGE_CASES = {
    "leaderboard": ("get", "/disclosures/", None, None),
    "detail_verified": ("get", "/disclosures/{pk}/", "verified", None),
    "detail_submitted": ("get", "/disclosures/{pk}/", "submitted", None),
    "detail_draft": ("get", "/disclosures/{pk}/", "draft", None),
    "edit_draft": ("get", "/disclosures/{pk}/edit/", "draft", None),
    "new": ("get", "/disclosures/new/", None, None),
    "import": ("get", "/disclosures/import/", None, None),
    "mine": ("get", "/disclosures/mine/", None, None),
    "plan": ("get", "/disclosures/plan/", None, None),
    "review_queue": ("get", "/disclosures/review/", None, None),
    "review_detail": ("get", "/disclosures/review/{pk}/", "submitted", None),
    "submit": ("post", "/disclosures/{pk}/act/submit/", "draft", {}),
    "withdraw": ("post", "/disclosures/{pk}/act/withdraw/", "submitted", {}),
    "claim": ("post", "/disclosures/{pk}/act/claim/", "submitted", {}),
    "verify": ("post", "/disclosures/{pk}/act/verify/", "in_review", {"reason": "Agrees."}),
    "reject": ("post", "/disclosures/{pk}/act/reject/", "in_review", {"reason": "No."}),
    "request_changes": (
        "post",
        "/disclosures/{pk}/act/request-changes/",
        "in_review",
        {"reason": "PUE?"},
    ),
    "comment": ("post", "/disclosures/{pk}/comment/", "submitted", {"body": "Which PUE?"}),
    "amend": ("post", "/disclosures/{pk}/amend/", "verified", {}),
    "bulk": ("post", "/disclosures/review/bulk/", "in_review", {"action": "verify"}),
    # An over-claim (major discrepancy): verify is refused, an override is the way.
    "override": ("post", "/disclosures/{pk}/act/override/", "in_review", {"reason": "Metered."}),
    "confirm_override": ("post", "/disclosures/{pk}/act/confirm_override/", "override_pending", {}),
    "decline_override": (
        "post",
        "/disclosures/{pk}/act/decline_override/",
        "override_pending",
        {"reason": "Ask for the logs."},
    ),
}
OVER_CLAIMED = {"override", "confirm_override", "decline_override"}
PAGE_EXPECTED = {
    # anonymous, researcher, other_researcher, reviewer, conflicted_reviewer, chair
    "leaderboard": (200, 200, 200, 200, 200, 200),
    "detail_verified": (200, 200, 200, 200, 200, 200),
    "detail_submitted": (404, 200, 404, 200, 404, 200),
    "detail_draft": (404, 200, 404, 404, 404, 404),
    "edit_draft": (LOGIN, 200, 404, 404, 404, 404),
    "new": (LOGIN, 200, 200, 200, 200, 200),
    "import": (LOGIN, 200, 200, 200, 200, 200),
    "mine": (LOGIN, 200, 200, 200, 200, 200),
    "plan": (200, 200, 200, 200, 200, 200),
    "review_queue": (LOGIN, 403, 403, 200, 200, 200),
    "review_detail": (LOGIN, 403, 403, 200, 404, 200),
    "submit": (LOGIN, DONE, 404, 404, 404, 404),
    "withdraw": (LOGIN, DONE, 404, 403, 404, 403),
    "claim": (LOGIN, 403, 404, DONE, 404, DONE),
    "verify": (LOGIN, 403, 404, DONE, 404, DONE),
    "reject": (LOGIN, 403, 404, DONE, 404, DONE),
    "request_changes": (LOGIN, 403, 404, DONE, 404, DONE),
    "comment": (LOGIN, DONE, 404, DONE, 404, DONE),
    "amend": (LOGIN, DONE, 404, 404, 404, 404),
    "bulk": (LOGIN, 403, 403, 403, 403, DONE),
    "override": (LOGIN, 403, 404, DONE, 404, DONE),
    # The reviewer who overrode may not confirm; a chair (or an editor) does.
    "confirm_override": (LOGIN, 403, 404, 403, 404, DONE),
    "decline_override": (LOGIN, 403, 404, 403, 404, DONE),
}


@pytest.mark.parametrize(
    ("case", "role", "expected"),
    _matrix({case: PAGE_EXPECTED[case] for case in PAGE_CASES}),
)
def test_it_guards_every_page(client, world, case, role, expected):
    method, url, state, body = PAGE_CASES[case]
    over_claim = {"claim_tco2e": 70.0} if case in OVER_CLAIMED else {}
    disclosure = make_disclosure(world, state, **over_claim) if state else None
    if case == "bulk":
        body = {**body, "disclosures": [disclosure.pk], "reason": "Agrees."}
    url = url.format(pk=disclosure.pk if disclosure else 0)
    response = getattr(_client(client, world, role), method)(url, body or {})
    if expected == LOGIN:
        assert (response.status_code, response["Location"].split("?")[0]) == (
            302,
            "/accounts/login/",
        )
    elif expected == DONE:
        assert response.status_code == 302
        assert not response["Location"].startswith("/accounts/login/")
        if case in OVER_CLAIMED:
            disclosure.refresh_from_db()
            assert (
                disclosure.state
                == {
                    "override": "override_pending",
                    "confirm_override": "verified",
                    "decline_override": "in_review",
                }[case]
            )
    else:
        assert response.status_code == expected
    if case in OVER_CLAIMED and expected != DONE:
        assert Disclosure.objects.get(pk=disclosure.pk).state == state


API_CASES = {
    "list": ("get", "/api/v1/disclosures/", None, None),
    "create": ("post", "/api/v1/disclosures/", None, {"model_name": "Mine"}),
    "retrieve_verified": ("get", "/api/v1/disclosures/{pk}/", "verified", None),
    "retrieve_submitted": ("get", "/api/v1/disclosures/{pk}/", "submitted", None),
    "retrieve_draft": ("get", "/api/v1/disclosures/{pk}/", "draft", None),
    "patch_draft": ("patch", "/api/v1/disclosures/{pk}/", "draft", {"claim": {"tco2e": 47.0}}),
    "patch_submitted": (
        "patch",
        "/api/v1/disclosures/{pk}/",
        "submitted",
        {"claim": {"tco2e": 47.0}},
    ),
    "submit": ("post", "/api/v1/disclosures/{pk}/submit/", "draft", {}),
    "withdraw": ("post", "/api/v1/disclosures/{pk}/withdraw/", "submitted", {}),
    "claim": ("post", "/api/v1/disclosures/{pk}/claim/", "submitted", {}),
    "request_changes": (
        "post",
        "/api/v1/disclosures/{pk}/request-changes/",
        "in_review",
        {"reason": "PUE?"},
    ),
    "verify": ("post", "/api/v1/disclosures/{pk}/verify/", "in_review", {"reason": "Agrees."}),
    "verify_submitted": (
        "post",
        "/api/v1/disclosures/{pk}/verify/",
        "submitted",
        {"reason": "Agrees."},
    ),
    "reject": ("post", "/api/v1/disclosures/{pk}/reject/", "in_review", {"reason": "No."}),
    "comments_list": ("get", "/api/v1/disclosures/{pk}/comments/", "submitted", None),
    "comments_add": ("post", "/api/v1/disclosures/{pk}/comments/", "submitted", {"body": "Hi"}),
    "amend": ("post", "/api/v1/disclosures/{pk}/amend/", "verified", {}),
    "estimate": (
        "post",
        "/api/v1/estimate/",
        None,
        {"runs": [{"accelerator": "V100", "count": 8, "hours": 10}]},
    ),
}
API_EXPECTED = {
    # anonymous, researcher, other_researcher, reviewer, conflicted_reviewer, chair
    "list": (200, 200, 200, 200, 200, 200),
    "create": (401, 201, 201, 201, 201, 201),
    "retrieve_verified": (200, 200, 200, 200, 200, 200),
    "retrieve_submitted": (404, 200, 404, 200, 404, 200),
    "retrieve_draft": (404, 200, 404, 404, 404, 404),
    "patch_draft": (401, 200, 404, 404, 404, 404),
    "patch_submitted": (401, 409, 404, 403, 404, 403),
    "submit": (401, 200, 404, 404, 404, 404),
    "withdraw": (401, 200, 404, 403, 404, 403),
    "claim": (401, 403, 404, 200, 404, 200),
    "request_changes": (401, 403, 404, 200, 404, 200),
    "verify": (401, 403, 404, 200, 404, 200),
    "verify_submitted": (401, 403, 404, 403, 404, 409),
    "reject": (401, 403, 404, 200, 404, 200),
    "comments_list": (401, 200, 404, 200, 404, 200),
    "comments_add": (401, 201, 404, 201, 404, 201),
    "amend": (401, 201, 403, 403, 403, 403),
    "estimate": (200, 200, 200, 200, 200, 200),
}


@pytest.mark.parametrize(
    ("case", "role", "expected"),
    _matrix({case: API_EXPECTED[case] for case in API_CASES}),
)
def test_it_guards_every_api_action(client, world, case, role, expected):
    method, url, state, body = API_CASES[case]
    disclosure = make_disclosure(world, state) if state else None
    url = url.format(pk=disclosure.pk if disclosure else 0)
    kwargs = {"content_type": "application/json"} if body is not None else {}
    response = getattr(_client(client, world, role), method)(url, body, **kwargs)
    assert response.status_code == expected, response.content
