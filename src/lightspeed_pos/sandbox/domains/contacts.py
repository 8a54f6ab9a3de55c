"""Contacts: the ``Contact`` (and ``Note``) embedded in Customer, Vendor, Employee and Shop writes."""

from __future__ import annotations

from typing import Any

from ..engine.formatting import (
    Record,
    container,
    to_wire,
    unwrap_children,
)
from .hooks import After, Ctx

CONTACT_PARTS = (
    ("Addresses", "ContactAddress"),
    ("Phones", "ContactPhone"),
    ("Emails", "ContactEmail"),
    ("Websites", "ContactWebsite"),
)


def wire_object(value: dict[str, Any]) -> dict[str, Any]:
    """Scalars of a nested payload object as wire strings (nested objects kept)."""
    return {k: wire_object(v) if isinstance(v, dict) else to_wire(v, None) for k, v in value.items()}


def make_contact(payload: Any, now: str, existing: dict[str, Any] | None = None) -> dict[str, Any]:
    """A stored ``Contact``: flags, then Addresses/Phones/Emails/Websites containers (``""`` if none)."""
    contact: dict[str, Any] = dict(
        existing
        or {
            "custom": "",
            "noEmail": "true",
            "noPhone": "true",
            "noMail": "true",
            "Addresses": "",
            "Phones": "",
            "Emails": "",
            "Websites": "",
        }
    )
    payload = payload if isinstance(payload, dict) else {}
    for key, value in payload.items():
        if not isinstance(value, dict | list):
            contact[key] = to_wire(value, "boolean" if key.startswith("no") else None)
    for plural, singular in CONTACT_PARTS:
        if plural in payload:
            contact[plural] = container(
                singular, [wire_object(c) for c in unwrap_children(payload[plural], singular)]
            )
    contact["timeStamp"] = now
    # the recorded order: contactID (on employees), flags, timeStamp, then the containers
    order = ["contactID", "custom", "noEmail", "noPhone", "noMail", "timeStamp"] + [
        p for p, _ in CONTACT_PARTS
    ]
    ordered = {key: contact[key] for key in order if key in contact}
    ordered.update((key, value) for key, value in contact.items() if key not in ordered)
    return ordered


def contact_hook(ctx: Ctx, draft: Record, payload: dict[str, Any], existing: Record | None) -> After | None:
    """Customer/Vendor/Employee/Shop: embed ``Contact`` (and ``Note``) from the payload."""
    if "Contact" in payload or existing is None:
        draft["Contact"] = make_contact(payload.get("Contact"), ctx.now, draft.get("Contact"))
    if isinstance(payload.get("Note"), dict):
        draft["Note"] = {
            "note": "",
            "isPublic": "false",
            **wire_object(payload["Note"]),
            "timeStamp": ctx.now,
        }
    return None
