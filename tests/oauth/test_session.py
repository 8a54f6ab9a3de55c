"""OAuthSession against the sandbox's OAuth server, in process: login, refresh, rotation, revoke."""

from __future__ import annotations

import logging
import threading

import httpx2
import pytest

import lightspeed_pos as ls
from lightspeed_pos.oauth import (
    LoginRequiredError,
    MemoryTokenStore,
    OAuthSession,
    TokenSet,
    jwt_claims,
    pkce_challenge,
)
from tests.support.threads import run_threads

from ._support import (
    REDIRECT_URI,
    FakeClock,
    ObservableStore,
    RecordingTransport,
    approve,
    login,
    make_session,
    query_of,
    tiny_sandbox,
)


def test_authorization_code_flow_with_pkce_then_the_client_uses_the_session() -> None:
    sandbox = tiny_sandbox()
    transport = RecordingTransport(sandbox.transport())
    store = MemoryTokenStore()
    session = make_session(sandbox, store, transport=transport, scope="employee:inventory employee:reports")

    request = session.authorization_url()
    query = query_of(request.url)
    assert request.url.startswith(f"{sandbox.auth_url}/authorize?")
    assert query["response_type"] == "code"
    assert query["client_id"] == sandbox.client_id
    assert query["scope"] == "employee:inventory employee:reports"
    assert query["redirect_uri"] == REDIRECT_URI
    assert query["state"] == request.state and len(request.state) >= 32
    assert query["code_challenge_method"] == "S256"
    assert query["code_challenge"] == pkce_challenge(request.code_verifier)
    assert 43 <= len(request.code_verifier) <= 128
    assert request.code_verifier not in repr(request)

    redirect = approve(request.url, sandbox.transport())
    tokens = session.exchange_code(redirect)
    assert store.load() == tokens == session.tokens
    assert tokens.account_id == sandbox.account_id
    assert tokens.scope == "employee:inventory employee:reports"
    assert tokens.refresh_token and tokens.refresh_token.startswith("def50200")

    with ls.Client(oauth_token_holder=session, base_url=sandbox.base_url, transport=transport) as client:
        answer = client.request("GET", "Account")
    assert answer["account"] == sandbox.account_id
    assert ("GET", "/API/V3/Account.json", tokens.access_token) in transport.events
    assert session.refresh_count == 0


def test_the_real_engine_answers_through_the_session() -> None:
    from lightspeed_pos.sandbox import Sandbox

    sandbox = Sandbox(items=5, rate_limit=False)
    session = make_session(sandbox, MemoryTokenStore())
    login(session, sandbox.transport())
    with ls.Client(oauth_token_holder=session, base_url=sandbox.base_url, transport=sandbox.transport()) as c:
        accounts = c.accounts.all()
    assert [account.id for account in accounts] == [sandbox.account_id]


def test_token_requests_are_form_urlencoded_and_carry_the_client() -> None:
    sandbox = tiny_sandbox()
    bodies: list[tuple[str, bytes]] = []
    inner = sandbox.transport()

    def spy(request: httpx2.Request) -> httpx2.Response:
        if request.url.path.endswith("/token"):
            bodies.append((request.headers["content-type"], request.read()))
        return inner.handle_request(request)

    session = make_session(sandbox, MemoryTokenStore(), transport=httpx2.MockTransport(spy))
    login(session, inner)
    session.refresh_oauth_token()
    assert [content_type for content_type, _ in bodies] == ["application/x-www-form-urlencoded"] * 2
    exchange, refresh = (query_of("?" + body.decode()) for _, body in bodies)
    assert exchange["grant_type"] == "authorization_code" and exchange["code_verifier"]
    assert exchange["client_secret"] == sandbox.client_secret
    assert exchange["redirect_uri"] == REDIRECT_URI
    assert refresh["grant_type"] == "refresh_token" and refresh["client_id"] == sandbox.client_id


def test_a_public_client_logs_in_with_pkce_alone() -> None:
    sandbox = tiny_sandbox()
    session = make_session(sandbox, MemoryTokenStore(), client_secret=None)
    login(session, sandbox.transport())
    before = session.oauth_token
    assert session.refresh_oauth_token() != before


def test_exchange_takes_a_bare_code_and_an_explicit_verifier() -> None:
    sandbox = tiny_sandbox()
    starter = make_session(sandbox, MemoryTokenStore())
    request = starter.authorization_url(state="fixed-state")
    assert request.state == "fixed-state"
    code = query_of(approve(request.url, sandbox.transport()))["code"]
    other = make_session(sandbox, MemoryTokenStore())  # e.g. another process finishing the login
    tokens = other.exchange_code(code, code_verifier=request.code_verifier)
    assert tokens.account_id == sandbox.account_id


def test_a_wrong_state_a_denial_or_a_reused_code_need_a_new_login() -> None:
    sandbox = tiny_sandbox()
    session = make_session(sandbox, MemoryTokenStore())
    request = session.authorization_url()
    redirect = approve(request.url, sandbox.transport())
    with pytest.raises(LoginRequiredError, match="state does not match"):
        session.exchange_code(redirect, state="forged")
    with pytest.raises(LoginRequiredError, match=r"refused \(access_denied: no\)"):
        session.exchange_code(
            f"{REDIRECT_URI}?error=access_denied&error_description=no&state={request.state}"
        )
    with pytest.raises(LoginRequiredError, match="no authorization code"):
        session.exchange_code(f"{REDIRECT_URI}?state={request.state}")
    session.exchange_code(redirect)
    with pytest.raises(LoginRequiredError, match="authorization code was rejected") as caught:
        session.exchange_code(query_of(redirect)["code"], code_verifier=request.code_verifier)
    assert caught.value.error == "invalid_grant"
    assert "lightspeed login" in str(caught.value)


def test_proactive_refresh_shortly_before_expiry() -> None:
    clock = FakeClock()
    sandbox = tiny_sandbox(clock=clock, token_lifetime=600.0)
    transport = RecordingTransport(sandbox.transport())
    session = make_session(sandbox, MemoryTokenStore(), transport=transport, clock=clock, refresh_margin=60)
    tokens = login(session, sandbox.transport())
    assert tokens.expires_at == pytest.approx(clock.now + 600, abs=1)
    transport.events.clear()  # forget the login's token request
    clock.advance(500)
    assert session.oauth_token == tokens.access_token
    assert transport.token_requests() == 0
    clock.advance(45)  # 55 s left: inside the margin
    fresh = session.oauth_token
    assert fresh != tokens.access_token and transport.token_requests() == 1
    assert session.oauth_token == fresh and transport.token_requests() == 1
    clock.advance(3600)  # long expired: the API would refuse it, the session refreshes first
    with ls.Client(oauth_token_holder=session, base_url=sandbox.base_url, transport=transport) as client:
        client.request("GET", "Account")
    assert transport.token_requests() == 2
    api_calls = [event for event in transport.events if event[1].startswith("/API")]
    assert api_calls[0][2] == session.oauth_token


def test_expiry_is_the_earlier_of_expires_in_and_the_jwt_exp() -> None:
    clock = FakeClock()
    sandbox = tiny_sandbox(clock=clock, token_lifetime=100.0)
    inner = sandbox.transport()

    def longer_expires_in(request: httpx2.Request) -> httpx2.Response:
        response = inner.handle_request(request)
        if not request.url.path.endswith("/token"):
            return response
        payload = response.json()
        payload["expires_in"] = 7200
        return httpx2.Response(200, json=payload)

    session = make_session(sandbox, MemoryTokenStore(), transport=httpx2.MockTransport(longer_expires_in))
    tokens = login(session, inner)
    assert tokens.expires_at == pytest.approx(jwt_claims(tokens.access_token)["exp"])
    assert tokens.expires_at == pytest.approx(clock.now + 100, abs=1)


def test_the_rotated_refresh_token_is_saved_before_anything_uses_the_new_access_token() -> None:
    sandbox = tiny_sandbox()
    transport = RecordingTransport(sandbox.transport())
    seen_at_save: list[list[tuple[str, str, str | None]]] = []
    store = ObservableStore(on_save=lambda tokens: seen_at_save.append(list(transport.events)))
    session = make_session(sandbox, store, transport=transport)
    first = login(session, sandbox.transport())
    with ls.Client(oauth_token_holder=session, base_url=sandbox.base_url, transport=transport) as client:
        client.request("GET", "Account")
        new_access = session.refresh_oauth_token()
        assert store.saves[-1].access_token == new_access
        assert store.saves[-1].refresh_token != first.refresh_token
        # At the moment of the save, the token request had been made and the new token never used.
        assert seen_at_save[-1][-1][1].endswith("/auth/oauth/token")
        assert all(token != new_access for _, _, token in seen_at_save[-1])
        client.request("GET", "Account")
    assert transport.events[-1][2] == new_access


def test_a_failed_save_keeps_the_old_refresh_token_valid() -> None:
    sandbox = tiny_sandbox()
    fail = {"now": False}

    def maybe_fail(tokens: TokenSet) -> None:
        if fail["now"]:
            raise OSError("disk full")

    store = ObservableStore(on_save=maybe_fail)
    session = make_session(sandbox, store)
    first = login(session, sandbox.transport())
    fail["now"] = True
    with pytest.raises(OSError, match="disk full"):
        session.refresh_oauth_token()
    assert session.tokens == first == store.load()  # the new pair was never used
    fail["now"] = False
    assert session.refresh_oauth_token() != first.access_token  # deferred revocation: still valid


def test_invalid_grant_means_login_required_once_and_without_more_requests() -> None:
    sandbox = tiny_sandbox()
    transport = RecordingTransport(sandbox.transport())
    session = make_session(sandbox, MemoryTokenStore(), transport=transport)
    tokens = login(session, sandbox.transport())
    transport.events.clear()  # forget the login's token request
    # Another party revokes the refresh token (the user, in Lightspeed's settings).
    with httpx2.Client(transport=sandbox.transport()) as http:
        form = {"client_id": sandbox.client_id, "client_secret": sandbox.client_secret}
        http.post(f"{sandbox.auth_url}/revoke", data={**form, "refresh_token": tokens.refresh_token or ""})
    with pytest.raises(LoginRequiredError) as caught:
        session.refresh_oauth_token()
    error = caught.value
    assert isinstance(error, ls.UnauthorizedError) and error.status_code == 401
    assert error.error == "invalid_grant" and error.response is not None
    assert "revoked" in str(error) and "`lightspeed login`" in str(error)
    assert transport.token_requests() == 1
    with pytest.raises(LoginRequiredError, match="already rejected"):
        session.refresh_oauth_token()
    assert transport.token_requests() == 1
    # The client turns the 401 into the refresh, and the refresh into LoginRequiredError.
    with (
        ls.Client(oauth_token_holder=session, base_url=sandbox.base_url, transport=transport) as client,
        pytest.raises(LoginRequiredError),
    ):
        client.request("GET", "Account")


def test_no_stored_tokens_means_login_required() -> None:
    sandbox = tiny_sandbox()
    session = make_session(sandbox, MemoryTokenStore())
    assert session.tokens is None
    with pytest.raises(LoginRequiredError, match=r"not logged in \(no tokens in"):
        _ = session.oauth_token
    with pytest.raises(LoginRequiredError):
        session.refresh_oauth_token()


def test_revoke_kills_both_tokens_and_clears_the_store() -> None:
    sandbox = tiny_sandbox()
    store = MemoryTokenStore()
    session = make_session(sandbox, store)
    tokens = login(session, sandbox.transport())
    session.revoke()
    assert store.load() is None and session.tokens is None
    with httpx2.Client(transport=sandbox.transport()) as http:
        api = http.get(
            f"{sandbox.base_url}/Account.json", headers={"Authorization": f"Bearer {tokens.access_token}"}
        )
        assert api.status_code == 401
    store.save(tokens)  # even with the old pair put back, the refresh token is dead
    with pytest.raises(LoginRequiredError, match="revoked"):
        session.refresh_oauth_token()
    session.revoke()  # nothing stored but the dead pair: the server answers 200 anyway


def test_network_failures_become_api_connection_errors() -> None:
    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("connection refused", request=request)

    def slow(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ReadTimeout("timed out", request=request)

    sandbox = tiny_sandbox()
    store = MemoryTokenStore(TokenSet("a.b.c", "def50200old", expires_at=None, obtained_at=1.0))
    session = make_session(sandbox, store, transport=httpx2.MockTransport(refuse))
    with pytest.raises(ls.APIConnectionError, match=r"could not reach the OAuth server \(POST https://") as c:
        session.refresh_oauth_token()
    assert isinstance(c.value.__cause__, httpx2.ConnectError)
    session = make_session(sandbox, store, transport=httpx2.MockTransport(slow))
    with pytest.raises(ls.APITimeoutError):
        session.refresh_oauth_token()
    assert store.load() is not None  # nothing lost


def test_a_failed_early_refresh_keeps_the_token_until_it_expires() -> None:
    clock = FakeClock()
    sandbox = tiny_sandbox(clock=clock, token_lifetime=600.0)
    inner = sandbox.transport()
    down = {"now": False}

    def flaky(request: httpx2.Request) -> httpx2.Response:
        if down["now"]:
            raise httpx2.ConnectError("connection refused", request=request)
        return inner.handle_request(request)

    session = make_session(sandbox, MemoryTokenStore(), transport=httpx2.MockTransport(flaky), clock=clock)
    tokens = login(session, inner)
    down["now"] = True
    clock.advance(570)  # 30 s left
    assert session.oauth_token == tokens.access_token
    clock.advance(40)  # expired
    with pytest.raises(ls.APIConnectionError):
        _ = session.oauth_token
    down["now"] = False
    assert session.oauth_token != tokens.access_token


def test_server_errors_keep_their_class() -> None:
    def invalid_client(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(
            401, json={"error": "invalid_client", "error_description": "Client auth failed"}
        )

    sandbox = tiny_sandbox()
    store = MemoryTokenStore(TokenSet("a.b.c", "def50200old", obtained_at=1.0))
    session = make_session(sandbox, store, transport=httpx2.MockTransport(invalid_client))
    with pytest.raises(ls.UnauthorizedError, match="Client auth failed") as caught:
        session.refresh_oauth_token()
    assert not isinstance(caught.value, LoginRequiredError)


def test_endpoints_are_settable() -> None:
    session = OAuthSession("id", store=MemoryTokenStore(), auth_url="https://us.merchantos.com/auth/oauth/")
    assert session.token_url == "https://us.merchantos.com/auth/oauth/token"
    assert session.revoke_url == "https://us.merchantos.com/auth/oauth/revoke"
    assert session.authorization_url().url.startswith("https://us.merchantos.com/auth/oauth/authorize?")
    default = OAuthSession("id", store=MemoryTokenStore(), token_url="https://example.test/t")
    assert default.authorize_url == "https://cloud.lightspeedapp.com/auth/oauth/authorize"
    assert default.token_url == "https://example.test/t"
    with pytest.raises(ValueError, match="employee:"):
        OAuthSession("id", store=MemoryTokenStore(), scope="admin")
    assert OAuthSession("id", store=MemoryTokenStore(), scope=["employee:a", "employee:b"]).scope == (
        "employee:a employee:b"
    )


def test_threads_refreshing_the_same_stale_token_cause_one_request() -> None:
    sandbox = tiny_sandbox()
    transport = RecordingTransport(sandbox.transport())
    session = make_session(sandbox, MemoryTokenStore(), transport=transport)
    login(session, sandbox.transport())
    stale = session.oauth_token
    transport.events.clear()
    barrier = threading.Barrier(8)
    results: list[str] = []

    def worker() -> None:
        barrier.wait()
        results.append(session.refresh_oauth_token(stale))

    run_threads([worker] * 8, timeout=10)
    assert transport.token_requests() == 1
    assert len(set(results)) == 1 and results[0] == session.oauth_token != stale
    assert len(results) == 8


def test_sessions_sharing_a_store_adopt_a_pair_rotated_elsewhere() -> None:
    sandbox = tiny_sandbox()
    store = MemoryTokenStore()
    transport = RecordingTransport(sandbox.transport())
    first = make_session(sandbox, store, transport=transport)
    login(first, sandbox.transport())
    transport.events.clear()
    second = make_session(sandbox, store, transport=transport)
    stale = second.oauth_token
    rotated = first.refresh_oauth_token()
    # second saw a 401 with its stale token: it adopts the stored pair, no second rotation.
    assert second.refresh_oauth_token() == rotated
    assert transport.token_requests() == 1
    assert second.tokens == first.tokens and stale != rotated


def test_a_store_cleared_elsewhere_means_logged_out() -> None:
    sandbox = tiny_sandbox()
    store = MemoryTokenStore()
    session = make_session(sandbox, store)
    login(session, sandbox.transport())
    store.clear()
    with pytest.raises(LoginRequiredError, match="not logged in"):
        session.refresh_oauth_token()


def test_tokens_never_reach_logs_errors_or_reprs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="lightspeed_pos")
    sandbox = tiny_sandbox()
    store = MemoryTokenStore()
    session = make_session(sandbox, store)
    tokens = login(session, sandbox.transport())
    session.refresh_oauth_token()
    rotated = session.tokens
    assert rotated is not None
    session.revoke()
    store.save(rotated)
    with pytest.raises(LoginRequiredError) as caught:
        session.refresh_oauth_token()
    secrets = [tokens.access_token, tokens.refresh_token, rotated.access_token, rotated.refresh_token]
    texts = [caplog.text, str(caught.value), repr(caught.value), repr(session), repr(tokens), repr(store)]
    assert caplog.text  # something was logged
    for secret in secrets:
        assert secret
        for text in texts:
            assert secret not in text
            assert sandbox.client_secret not in text
