"""Signers for the button tests: the sandbox's key, and another key that Lightspeed never published."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from lightspeed_pos.sandbox.http.buttons import SANDBOX_JWKS, SANDBOX_KEY_ID, ButtonSigner

NOW = 1_800_000_000.0


@pytest.fixture(scope="session")
def other_key_pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


@pytest.fixture
def signer() -> ButtonSigner:
    return ButtonSigner(clock=lambda: NOW)


@pytest.fixture
def jwks() -> dict[str, object]:
    return SANDBOX_JWKS


__all__ = ["NOW", "SANDBOX_KEY_ID"]
