"""Typed views of objects the API embeds in records and has no endpoint for: ``Contact`` (with its
addresses, phones, emails and websites) and ``Note`` (REFERENCE 7.4, 8.4). Hand-written.

They are read from the record (``customer.contact``); when the record was read without
``load_relations=["Contact"]``, the relation fetches it once.
"""

from __future__ import annotations

from typing import ClassVar

from .._resource import Resource
from .._types import WireBool, WireDatetime, WireInt, WireStr
from .._wire import nested

__all__ = ["Contact", "ContactAddress", "ContactEmail", "ContactPhone", "ContactWebsite", "Note"]


class ContactAddress(Resource):
    __entity__: ClassVar[str] = "ContactAddress"

    address1: WireStr = None
    address2: WireStr = None
    city: WireStr = None
    state: WireStr = None
    stateCode: WireStr = None
    zip: WireStr = None
    country: WireStr = None
    countryCode: WireStr = None


class ContactPhone(Resource):
    __entity__: ClassVar[str] = "ContactPhone"

    number: WireStr = None
    useType: WireStr = None
    """Home, Work, Mobile, Pager or Fax."""


class ContactEmail(Resource):
    __entity__: ClassVar[str] = "ContactEmail"

    address: WireStr = None
    useType: WireStr = None
    """Primary or Secondary."""


class ContactWebsite(Resource):
    __entity__: ClassVar[str] = "ContactWebsite"

    url: WireStr = None


class Contact(Resource):
    """A customer's, vendor's, employee's or shop's contact details."""

    __entity__: ClassVar[str] = "Contact"
    __id_field__: ClassVar[str] = "contactID"

    contactID: WireInt = None
    custom: WireStr = None
    noEmail: WireBool = None
    noPhone: WireBool = None
    noMail: WireBool = None
    timeStamp: WireDatetime = None

    @property
    def addresses(self) -> list[ContactAddress]:
        """``Addresses.ContactAddress`` (``""`` when none)."""
        return [
            ContactAddress.from_wire(r) for r in nested(self.attributes, "Addresses", "ContactAddress") or []
        ]

    @property
    def phones(self) -> list[ContactPhone]:
        """``Phones.ContactPhone``."""
        return [ContactPhone.from_wire(r) for r in nested(self.attributes, "Phones", "ContactPhone") or []]

    @property
    def emails(self) -> list[ContactEmail]:
        """``Emails.ContactEmail``."""
        return [ContactEmail.from_wire(r) for r in nested(self.attributes, "Emails", "ContactEmail") or []]

    @property
    def websites(self) -> list[ContactWebsite]:
        """``Websites.ContactWebsite``."""
        return [
            ContactWebsite.from_wire(r) for r in nested(self.attributes, "Websites", "ContactWebsite") or []
        ]

    @property
    def email(self) -> str | None:
        """The primary email address (or the first one)."""
        emails = self.emails
        primary = next((e for e in emails if e.useType == "Primary"), emails[0] if emails else None)
        return primary.address if primary else None


class Note(Resource):
    """A note attached to an item, customer, order or sale line."""

    __entity__: ClassVar[str] = "Note"
    __id_field__: ClassVar[str] = "noteID"

    noteID: WireInt = None
    note: WireStr = None
    isPublic: WireBool = None
    timeStamp: WireDatetime = None
