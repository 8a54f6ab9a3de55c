"""Typed views of objects the API embeds in records and has no endpoint for: ``Contact`` (with its
addresses, phones, emails and websites) and ``Note`` (docs/reference.md#reports-and-misc,
#customer-fields). Hand-written.

They are read from the record (``customer.contact``); when the record was read without
``load_relations=["Contact"]``, the relation fetches it once.
"""

from __future__ import annotations

from typing import ClassVar

from .._resource import Resource
from .._types import WireBool, WireDatetime, WireDecimal, WireInt, WireStr
from .._wire import nested

__all__ = [
    "Contact",
    "ContactAddress",
    "ContactEmail",
    "ContactPhone",
    "ContactWebsite",
    "CustomFieldValue",
    "ItemAttributes",
    "ItemComponent",
    "ItemECommerce",
    "ItemVendorNum",
    "Note",
    "VendorRep",
]


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


class ItemAttributes(Resource):
    """A matrix variant's attribute values (``Item.ItemAttributes``)."""

    __entity__: ClassVar[str] = "ItemAttributes"

    attribute1: WireStr = None
    attribute2: WireStr = None
    attribute3: WireStr = None
    itemAttributeSetID: WireInt = None


class ItemECommerce(Resource):
    """An item's eCom details (``Item.ItemECommerce``)."""

    __entity__: ClassVar[str] = "ItemECommerce"
    __id_field__: ClassVar[str] = "itemECommerceID"

    itemECommerceID: WireInt = None
    longDescription: WireStr = None
    shortDescription: WireStr = None
    weight: WireDecimal = None
    width: WireDecimal = None
    height: WireDecimal = None
    length: WireDecimal = None
    listOnStore: WireBool = None


class ItemVendorNum(Resource):
    """A vendor's own SKU for an item (``Item.ItemVendorNums``)."""

    __entity__: ClassVar[str] = "ItemVendorNum"
    __id_field__: ClassVar[str] = "itemVendorNumID"

    itemVendorNumID: WireInt = None
    value: WireStr = None
    itemID: WireInt = None
    vendorID: WireInt = None
    cost: WireDecimal = None
    timeStamp: WireDatetime = None


class ItemComponent(Resource):
    """A component of an assembly or box item (``Item.ItemComponents``)."""

    __entity__: ClassVar[str] = "ItemComponent"
    __id_field__: ClassVar[str] = "itemComponentID"

    itemComponentID: WireInt = None
    quantity: WireDecimal = None
    componentGroup: WireInt = None
    assemblyItemID: WireInt = None
    componentItemID: WireInt = None


class CustomFieldValue(Resource):
    """The value of a custom field on an item, customer or order (``CustomFieldValues``)."""

    __entity__: ClassVar[str] = "CustomFieldValue"
    __id_field__: ClassVar[str] = "customFieldValueID"

    customFieldValueID: WireInt = None
    customFieldID: WireInt = None
    name: WireStr = None
    type: WireStr = None
    value: WireStr = None


class VendorRep(Resource):
    """A vendor's sales representative (``Vendor.Reps``)."""

    __entity__: ClassVar[str] = "VendorRep"

    firstName: WireStr = None
    lastName: WireStr = None
