"""verify(): a signed request verifies; every change, omission, expiry, foreign key or algorithm is
refused with its own error."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from lightspeed_pos import buttons
from lightspeed_pos.sandbox.http.buttons import SANDBOX_KEY_ID, ButtonSigner

from .conftest import NOW

APP = "https://app.example.com/pos/button"


def _edit(url: str, **changes: str | None) -> str:
    """``url`` with query parameters changed (``None`` removes one), order kept."""
    parts = urlsplit(url)
    pairs: list[tuple[str, str]] = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        change = changes.get(key, value)
        if change is not None:
            pairs.append((key, change))
    pairs += [(k, v) for k, v in changes.items() if v is not None and k not in dict(pairs)]
    return parts._replace(query=urlencode(pairs)).geturl()


def test_a_signed_request_verifies_into_a_typed_context(signer: ButtonSigner, jwks: Any) -> None:
    url = signer.sign(
        APP, type="sale", account_id=120645, sale_id=12, customer_id=7, employee_id=3, user_id=4
    )
    button = buttons.verify(url, jwks=jwks, now=NOW)
    assert button.type == "sale"
    assert (button.account_id, button.sale_id, button.customer_id) == (120645, 12, 7)
    assert (button.employee_id, button.user_id, button.shop_id, button.register_id) == (3, 4, 1, 1)
    assert button.return_url == "https://us.lightspeedapp.com/register.php"
    assert button.key_id == SANDBOX_KEY_ID
    assert button.expires_at == datetime.fromtimestamp(NOW + 300, UTC)
    assert button.params["saleID"] == "12" and "signature" not in button.params
    assert button.url == url


def test_ids_the_pos_sends_as_zero_are_none(signer: ButtonSigner, jwks: Any) -> None:
    button = buttons.verify(signer.sign(APP, account_id=1), jwks=jwks, now=NOW)
    assert button.sale_id is None and button.customer_id is None


def test_the_buttons_own_parameters_are_signed_with_the_appended_ones(
    signer: ButtonSigner, jwks: Any
) -> None:
    url = signer.sign(f"{APP}?tenant=9&lang=fr", account_id=1, sale_id=5)
    assert buttons.verify(url, jwks=jwks, now=NOW).params["tenant"] == "9"
    with pytest.raises(buttons.SignatureError):
        buttons.verify(url.replace("tenant=9", "tenant=10"), jwks=jwks, now=NOW)


@pytest.mark.parametrize(
    "change",
    [
        {"saleID": "13"},
        {"accountID": "999"},
        {"type": "refund"},
        {"returnURL": "https://evil.example/steal"},
        {"exp": str(int(NOW) + 99999)},
        {"extra": "1"},
    ],
)
def test_a_changed_or_added_parameter_is_refused(
    signer: ButtonSigner, jwks: Any, change: dict[str, str]
) -> None:
    url = _edit(signer.sign(APP, account_id=1, sale_id=12), **change)
    with pytest.raises(buttons.SignatureError, match="does not match"):
        buttons.verify(url, jwks=jwks, now=NOW)


def test_a_changed_path_or_host_is_refused(signer: ButtonSigner, jwks: Any) -> None:
    url = signer.sign(APP, account_id=1)
    for forged in (url.replace("/pos/button", "/pos/other"), url.replace("app.example.com", "evil.example")):
        with pytest.raises(buttons.SignatureError):
            buttons.verify(forged, jwks=jwks, now=NOW)


@pytest.mark.parametrize("name", ["saleID", "customerID", "returnURL", "type"])
def test_a_removed_context_parameter_is_refused(signer: ButtonSigner, jwks: Any, name: str) -> None:
    url = _edit(signer.sign(APP, account_id=1, sale_id=12), **{name: None})
    with pytest.raises(buttons.SignatureError):
        buttons.verify(url, jwks=jwks, now=NOW)


@pytest.mark.parametrize("name", ["signature", "exp", "kid", "alg"])
def test_a_removed_signing_parameter_is_named(signer: ButtonSigner, jwks: Any, name: str) -> None:
    url = _edit(signer.sign(APP, account_id=1), **{name: None})
    with pytest.raises(buttons.MissingParameterError, match=name) as refused:
        buttons.verify(url, jwks=jwks, now=NOW)
    assert refused.value.parameter == name and refused.value.status == 400


def test_signed_requests_without_account_or_type_are_refused(signer: ButtonSigner, jwks: Any) -> None:
    url = signer.sign_params(APP, {"type": "sale"})
    with pytest.raises(buttons.MissingParameterError, match="accountID"):
        buttons.verify(url, jwks=jwks, now=NOW)
    url = signer.sign_params(APP, {"accountID": "1"})
    with pytest.raises(buttons.MissingParameterError, match="type"):
        buttons.verify(url, jwks=jwks, now=NOW)


def test_an_expired_request_is_refused_with_a_configurable_skew(signer: ButtonSigner, jwks: Any) -> None:
    url = signer.sign(APP, account_id=1, exp=int(NOW) - 5)
    assert buttons.verify(url, jwks=jwks, now=NOW).account_id == 1  # within the default 10 s
    with pytest.raises(buttons.ExpiredError, match="expired 5 s ago") as refused:
        buttons.verify(url, jwks=jwks, now=NOW, leeway=0)
    assert refused.value.expired_at == int(NOW) - 5
    with pytest.raises(buttons.ExpiredError):
        buttons.verify(signer.sign(APP, account_id=1, exp=int(NOW) - 60), jwks=jwks, now=NOW)
    assert buttons.verify(signer.sign(APP, account_id=1, exp=int(NOW) - 60), jwks=jwks, now=NOW, leeway=90)
    with pytest.raises(ValueError, match="leeway"):
        buttons.ButtonVerifier(jwks, leeway=-1)


def test_a_non_numeric_exp_is_refused(signer: ButtonSigner, jwks: Any) -> None:
    with pytest.raises(buttons.InvalidParameterError, match=r"'exp'.*Unix time"):
        buttons.verify(_edit(signer.sign(APP, account_id=1), exp="tomorrow"), jwks=jwks, now=NOW)


def test_an_unknown_key_id_is_refused(signer: ButtonSigner, jwks: Any) -> None:
    url = _edit(signer.sign(APP, account_id=1), kid="RT_GENERIC_WEBHOOK_2099")
    with pytest.raises(buttons.UnknownKeyError, match="RT_GENERIC_WEBHOOK_2099") as refused:
        buttons.verify(url, jwks=jwks, now=NOW)
    assert refused.value.key_id == "RT_GENERIC_WEBHOOK_2099"


@pytest.mark.parametrize("algorithm", ["none", "HS256", "rs256", "RS512", ""])
def test_the_algorithm_is_pinned_to_rs256(signer: ButtonSigner, jwks: Any, algorithm: str) -> None:
    url = _edit(signer.sign(APP, account_id=1), alg=algorithm)
    with pytest.raises(buttons.AlgorithmError, match="only RS256"):
        buttons.verify(url, jwks=jwks, now=NOW)


def test_an_hs256_forgery_keyed_with_the_public_key_is_refused(signer: ButtonSigner, jwks: Any) -> None:
    """The classic confusion attack: an HMAC over the URL with the public modulus as the secret."""
    import base64
    import hashlib
    import hmac

    url = _edit(signer.sign(APP, account_id=1), signature=None, alg="HS256")
    secret = jwks["keys"][0]["n"].encode()
    mac = hmac.new(secret, buttons.canonical_url(url).encode(), hashlib.sha256).digest()
    forged = f"{url}&signature={base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
    with pytest.raises(buttons.AlgorithmError):
        buttons.verify(forged, jwks=jwks, now=NOW)
    with pytest.raises(buttons.SignatureError):  # and claiming RS256 does not help either
        buttons.verify(forged.replace("alg=HS256", "alg=RS256"), jwks=jwks, now=NOW)


def test_a_signature_from_another_key_is_refused(other_key_pem: bytes, jwks: Any) -> None:
    impostor = ButtonSigner(other_key_pem, key_id=SANDBOX_KEY_ID, clock=lambda: NOW)
    with pytest.raises(buttons.SignatureError, match="another key"):
        buttons.verify(impostor.sign(APP, account_id=1), jwks=jwks, now=NOW)


def test_a_signature_that_is_not_base64url_is_refused(signer: ButtonSigner, jwks: Any) -> None:
    with pytest.raises(buttons.SignatureError, match="base64url"):
        buttons.verify(_edit(signer.sign(APP, account_id=1), signature="!!not base64!!"), jwks=jwks, now=NOW)


def test_a_repeated_signing_parameter_is_refused(signer: ButtonSigner, jwks: Any) -> None:
    url = signer.sign(APP, account_id=1)
    with pytest.raises(buttons.InvalidParameterError, match="more than once"):
        buttons.verify(f"{url}&kid=OTHER", jwks=jwks, now=NOW)


def test_a_fragment_url_keeps_its_route_and_is_signed_after_it(signer: ButtonSigner, jwks: Any) -> None:
    url = signer.sign("https://app.example.com/spa?tenant=2#/sales/view", account_id=1, sale_id=12)
    assert url.startswith("https://app.example.com/spa?tenant=2#/sales/view?")
    button = buttons.verify(url, jwks=jwks, now=NOW)
    assert button.sale_id == 12 and button.url == url
    for forged in (
        url.replace("#/sales/view", "#/admin/view"),
        url.replace("tenant=2", "tenant=3"),
        url.replace("saleID=12", "saleID=13"),
    ):
        with pytest.raises(buttons.SignatureError):
            buttons.verify(forged, jwks=jwks, now=NOW)


def test_a_fragment_route_with_its_own_query_is_sorted_with_the_appended_parameters(
    signer: ButtonSigner, jwks: Any
) -> None:
    url = signer.sign("https://app.example.com/#/sale?zone=4", account_id=1)
    assert "#/sale?zone=4&accountID=1" in url
    assert buttons.verify(url, jwks=jwks, now=NOW).params["zone"] == "4"


def test_semantically_equal_urls_verify(signer: ButtonSigner, jwks: Any) -> None:
    """A server may hand the URL back with another case of host, a default port, parameters in
    another order, or encoded unreserved characters: the signature still holds."""
    url = signer.sign(APP, account_id=1, sale_id=12)
    base, _, query = url.partition("?")
    shuffled = "&".join(reversed(query.split("&")))
    variants = [
        f"HTTPS://App.Example.COM:443/pos/button?{shuffled}",
        f"https://app.example.com/pos/./x/../button?{query}",
        f"https://app.example.com/%70os/button?{query}",
        f"{base}?{query.replace('%3A', '%3a')}",
    ]
    for variant in variants:
        assert buttons.verify(variant, jwks=jwks, now=NOW).sale_id == 12, variant


def test_a_url_that_is_not_absolute_is_refused(jwks: Any) -> None:
    with pytest.raises(buttons.InvalidParameterError, match="not a valid URL"):
        buttons.verify("/pos/button?exp=1&kid=a&alg=RS256&signature=x", jwks=jwks, now=NOW)


def test_errors_are_lightspeed_errors_with_reasons() -> None:
    assert issubclass(buttons.ButtonError, buttons.ButtonError.__mro__[1])
    from lightspeed_pos import LightspeedError

    reasons = set()
    for error in (
        buttons.MissingParameterError,
        buttons.InvalidParameterError,
        buttons.ExpiredError,
        buttons.AlgorithmError,
        buttons.UnknownKeyError,
        buttons.SignatureError,
        buttons.KeySetError,
    ):
        assert issubclass(error, LightspeedError)
        reasons.add(error.reason)
    assert len(reasons) == 7
    assert buttons.KeySetError.status == 503
