"""Custom-button requests, signed as Lightspeed signs them, and the key set that verifies them.

:class:`ButtonSigner` appends the context parameters (``type``, ``accountID``, ``saleID``...)
and the signing parameters (``exp``, ``kid``, ``alg=RS256``, ``signature``) to a button's URL,
after its fragment if it has one, and signs the canonical URL
(:func:`lightspeed_pos.buttons.canonical_url`) with RS256. The sandbox's key is fixed and public
(like its OAuth client secret, it guards nothing), so a URL printed by
``lightspeed sandbox button`` verifies against the key set that ``lightspeed sandbox serve``
serves at ``/.well-known/jwks`` (:data:`JWKS_PATH`). Serving the key set needs nothing beyond the
standard library; signing needs ``cryptography`` (the ``buttons`` extra).
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Mapping
from typing import Any

from lightspeed_pos.buttons._canonical import append_params, canonical_url

from .messages import ApiResponse

__all__ = ["JWKS_PATH", "SANDBOX_JWKS", "SANDBOX_KEY_ID", "ButtonSigner", "jwks_response"]

JWKS_PATH = "/.well-known/jwks"
SANDBOX_KEY_ID = "SANDBOX_BUTTON_2026"
DEFAULT_RETURN_URL = "https://us.lightspeedapp.com/register.php"

_SANDBOX_PRIVATE_KEY = b"""-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDTMd0VD5fNwBAg
kI1grcwyiPMjv+NdpdyFvaQVTWN3mjXH58x+QggMls0zmSIXqzCaEixlFdRnUby6
jx202fw4ulfGvJIGkxu/0qZ1bhaeNxl+JzW0oom3pGvo3834B2djqy4FPGh3XgKM
2sWCeSSUPk32t3CLW9nDLV3/LnLpuk2nIZ/TgofF34Y5WvTI+nLB8VGg2rHN+4T9
bA7V/9Vy+6QOr9JF0Zq5gSTrOhfgGPVBBVAZx84REUUJI2YLWSp8IF0kgbCt3Ys3
wxp8i9WFALj7ALjcr4/mF2qybmQCJ12FvuIVbkpTcRfHnUhAqbZnnDDfCW4yvrHZ
opCOWiJ1AgMBAAECggEABT3PEVc+Or6CB/TedWBK2ZQ5iJEaGPhlVTJkMJ0nk0/R
9uCjXBzSa1GQzS+HP5QhlClQTb/xchD+wJiNsa/ZSSUiyY1jiGM9RJD7TZ3KVOnk
KZPait2f0l1zyidHytiQMdKNRVb+9rtwD8PcNAVCqaU0NSPPWL4SVPw6wXsLIg7Q
lNzP+Zl3XTiP6xqASR2ngA1mihNk9HuOb/TBb1Cb4Fj70jT9TNTnlx8mUE0InRpC
yRhDZ1dGTgmWu4l7fro8y+ivA2yN2in8pbvr/89USenZTK6qH1TwrIXUAlkrM6DD
9hfISJMDC1ZvI4XyWIN5TzvkS8ANh6Z3eApcl3ir/wKBgQDpyn8C7E55KLdRB9TN
Ty4g64qI6P1wAGD0O1mvNv/YgqBaD0y/NOjdHhvBGY8qOiJ1wNT7v6oxXdtKSRNc
IuBcjnjVzsSBAAu8CvV8KcYVIqfyHbvpdqkFfjnORlBghMpx1b1u+Zo29x5gFR9i
Jgiqn0KzzyPbDTBL/l8rzRa1NwKBgQDnQdsQXWo0wJUF8w03Cg71GbPkbFN0WIBf
QYemCx9HeK5duG64b4yFQZDDDLbTL07kVXLoNN03IeAAFPFDZvq6i8JMN4JHGKLb
arn8fJZcUpX4H52cUzUMp4fnyS/y1ogIRtQjzhu/4yI+gt3t5re9DaZKrIbb1JP3
ca3ZaNh7swKBgQCREX/CdpMzBxrJAwz+4LUE5GMwFTK9vt5qbjF2UbBrzpJlj7zV
oKUmH7qlFZEKaMxdOOxv0jxvKYgbDkEfGN0TUayVLxor2bVuV3aANwOctcZ0rBKg
CWtT50FDR8o0OfHMtQ44wFT66lhE0paItoUGKpCfNldPY12mqg6wBTCj/QKBgQDS
YNLNHG5V9yya8PWAsKHSz8MbdoClQy3lelPQ9iVKe7sEf5gaKUCIqZDsIFDh5hO7
HREftZfZY/PHn0Wsr65Arovfkk/uJbdiLMFttFmFO4w64WgcooWMMYwtjJUWMZwn
C2hJ+mK8OgEZJSyIFG/qiNRS8ojsy4KghMZHFl56iQKBgEclKRg9sj6EwlzqzkCz
x6D4+S9LpnsF/I0kPbuprqfMVGv18iUGSnOdT1o20A3RJpsK+DnY9gr85jH5PtHA
dRum8aPvsaWMtAulaKq6yFNDHer88IV+b2agP3hklyTjD6xH1NBjbxwiOCy808nK
/GjKN7BnQMKwX7MgAhFjsVGt
-----END PRIVATE KEY-----
"""

SANDBOX_JWKS: dict[str, Any] = {
    "keys": [
        {
            "kty": "RSA",
            "kid": SANDBOX_KEY_ID,
            "use": "sig",
            "alg": "RS256",
            "e": "AQAB",
            "n": (
                "0zHdFQ-XzcAQIJCNYK3MMojzI7_jXaXchb2kFU1jd5o1x-fMfkIIDJbNM5kiF6swmhIsZRXUZ1G8uo8d"
                "tNn8OLpXxrySBpMbv9KmdW4WnjcZfic1tKKJt6Rr6N_N-AdnY6suBTxod14CjNrFgnkklD5N9rdwi1vZ"
                "wy1d_y5y6bpNpyGf04KHxd-GOVr0yPpywfFRoNqxzfuE_WwO1f_VcvukDq_SRdGauYEk6zoX4Bj1QQVQ"
                "GcfOERFFCSNmC1kqfCBdJIGwrd2LN8MafIvVhQC4-wC43K-P5hdqsm5kAiddhb7iFW5KU3EXx51IQKm2"
                "Z5ww3wluMr6x2aKQjloidQ"
            ),
        }
    ]
}
"""The sandbox's public key set, as ``GET /.well-known/jwks`` serves it."""


def jwks_response() -> ApiResponse:
    """The answer to ``GET /.well-known/jwks``."""
    return ApiResponse.json_body(200, SANDBOX_JWKS)


class ButtonSigner:
    """Signs button URLs with a private key (the sandbox's unless another PEM is given).

    ``clock`` gives the Unix time; a URL is valid for ``lifetime`` seconds.
    """

    def __init__(
        self,
        private_key_pem: bytes = _SANDBOX_PRIVATE_KEY,
        *,
        key_id: str = SANDBOX_KEY_ID,
        lifetime: float = 300.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        self._key: Any = load_pem_private_key(private_key_pem, password=None)
        self.key_id = key_id
        self.lifetime = lifetime
        self._clock = clock

    def sign(
        self,
        url: str,
        *,
        type: str = "sale",
        account_id: int,
        employee_id: int = 1,
        user_id: int = 1,
        sale_id: int | None = None,
        customer_id: int | None = None,
        shop_id: int = 1,
        register_id: int = 1,
        return_url: str = DEFAULT_RETURN_URL,
        exp: int | None = None,
        extra: Mapping[str, str] | None = None,
    ) -> str:
        """``url`` as the POS opens it when the button is pressed: context, ``exp``, ``kid``,
        ``alg`` and ``signature`` appended (ids the POS has none of are sent as ``0``)."""
        context = {
            "accountID": str(account_id),
            "customerID": str(customer_id or 0),
            "employeeID": str(employee_id),
            "registerID": str(register_id),
            "returnURL": return_url,
            "saleID": str(sale_id or 0),
            "shopID": str(shop_id),
            "systemUserID": str(user_id),
            "type": type,
            **(extra or {}),
        }
        return self.sign_params(url, context, exp=exp)

    def sign_params(self, url: str, params: Mapping[str, str], *, exp: int | None = None) -> str:
        """``url`` with ``params`` and the signing parameters appended, then signed."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        expires = exp if exp is not None else int(self._clock() + self.lifetime)
        signing = {"alg": "RS256", "exp": str(expires), "kid": self.key_id}
        unsigned = append_params(url, sorted({**params, **signing}.items()))
        signature = self._key.sign(
            canonical_url(unsigned).encode("ascii"), padding.PKCS1v15(), hashes.SHA256()
        )
        encoded = base64.urlsafe_b64encode(signature).rstrip(b"=").decode("ascii")
        return append_params(unsigned, [("signature", encoded)])

    def __repr__(self) -> str:
        return f"<ButtonSigner key_id={self.key_id!r}>"
