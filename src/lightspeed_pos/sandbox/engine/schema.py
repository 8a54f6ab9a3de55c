"""Record layouts: which scalar fields a record of each entity carries, in which order, with
which defaults.

The catalogue (``_catalog.py``) gives each endpoint's fields and types; the recordings show the
real key order and a few keys the catalogue lacks (``ticketNumber``, ``taxTotal``,
``itemECommerceID``…). A layout is the recorded keys first, then the catalogue's other scalar
fields. Defaults follow the type: ids and numbers ``"0"``, booleans ``"false"``, the rest ``""``.
"""

from __future__ import annotations

from functools import cache

from ..._catalog import ResourceSpec, catalog

# Key order of records as recorded from the real API (gem-v1 cassettes), plus a few documented keys.
RECORDED: dict[str, str] = {
    "Item": "itemID systemSku defaultCost avgCost discountable tax archived itemType serialized "
    "description modelYear upc ean customSku manufacturerSku createTime timeStamp publishToEcom "
    "categoryID taxClassID departmentID itemMatrixID itemAttributesID manufacturerID noteID seasonID "
    "defaultVendorID itemECommerceID",
    "ItemShop": "itemShopID qoh sellable backorder componentQoh componentBackorder reorderPoint "
    "reorderLevel timeStamp itemID shopID",
    "Sale": "saleID timeStamp discountPercent completed archived voided enablePromotions "
    "isTaxInclusive createTime updatetime completeTime referenceNumber referenceNumberSource "
    "tax1Rate tax2Rate change receiptPreference displayableSubtotal ticketNumber calcDiscount "
    "calcTotal calcSubtotal calcTaxable calcNonTaxable calcAvgCost calcFIFOCost calcTax1 calcTax2 "
    "calcPayments total totalDue displayableTotal balance customerID discountID employeeID "
    "quoteID registerID shipToID shopID taxCategoryID taxTotal",
    "SaleLine": "saleLineID createTime timeStamp unitQuantity unitPrice normalUnitPrice "
    "discountAmount discountPercent avgCost fifoCost tax tax1Rate tax2Rate isLayaway isWorkorder "
    "isSpecialOrder displayableSubtotal displayableUnitPrice calcLineDiscount "
    "calcTransactionDiscount calcTotal calcSubtotal calcTax1 calcTax2 taxClassID customerID "
    "discountID employeeID itemID noteID parentSaleLineID shopID saleID",
    "SalePayment": "salePaymentID amount createTime archived remoteReference saleID paymentTypeID "
    "ccChargeID refPaymentID registerID employeeID creditAccountID",
    "Customer": "customerID firstName lastName dob title company companyRegistrationNumber "
    "vatNumber contactID creditAccountID customerTypeID discountID employeeID noteID taxCategoryID "
    "createTime timeStamp archived",
    "Category": "categoryID name nodeDepth fullPathName leftNode rightNode createTime timeStamp parentID",
    "Vendor": "vendorID name archived accountNumber priceLevel updatePrice updateCost "
    "updateDescription shareSellThrough timeStamp",
    "Employee": "employeeID firstName lastName accessPin lockOut archived timeStamp contactID "
    "clockInEmployeeHoursID employeeRoleID limitToShopID lastShopID lastSaleID lastRegisterID",
    "Shop": "shopID name serviceRate timeZone taxLabor labelTitle labelMsrp archived timeStamp "
    "companyRegistrationNumber vatNumber contactID taxCategoryID receiptSetupID vendorID "
    "ccGatewayID priceLevelID",
    "TaxCategory": "taxCategoryID isTaxInclusive tax1Name tax2Name tax1Rate tax2Rate timeStamp",
    "TaxClass": "taxClassID name timeStamp",
    "PaymentType": "paymentTypeID name requireCustomer archived internalReserved type refundAsPaymentTypeID",
    "Manufacturer": "manufacturerID name createTime timeStamp",
    "Tag": "tagID name",
}

DECIMAL_FIELDS = frozenset({"displayableSubtotal", "taxTotal"})
"""Recorded keys the catalogue lacks that hold numbers."""

DEFAULTS: dict[str, dict[str, str]] = {
    "Item": {"discountable": "true", "tax": "true", "itemType": "default", "taxClassID": "1"},
    "Sale": {"receiptPreference": "printed"},
    "SaleLine": {"unitQuantity": "1"},
    "Shop": {"timeZone": "US/Pacific", "labelTitle": "Shop Name"},
    "Register": {"open": "false"},
    "Vendor": {"priceLevel": ""},
    "PriceLevel": {"canBeArchived": "true", "type": "custom"},
}

READ_ONLY = frozenset(
    {
        "timeStamp",
        "createTime",
        "systemSku",
        "updatetime",
        "ticketNumber",
        "leftNode",
        "rightNode",
        "nodeDepth",
        "fullPathName",
    }
)
"""Fields a write never sets directly (ids are read-only too)."""


def table_key(spec: ResourceSpec) -> str:
    """Which table a catalogue row reads and writes.

    Rows sharing an entity share its table (``Sale/{saleID}/SaleLine`` and ``SaleLine``), except
    the custom-field families, which are separate per owner (``Item/CustomField`` vs
    ``Customer/CustomField``), and reports/templates, which are tables of their own.
    """
    if spec.kind != "resource":
        return spec.name
    if spec.entity.startswith("CustomField"):
        return spec.path.split("/", 1)[0] + spec.entity
    return spec.entity


@cache
def specs_by_table() -> dict[str, ResourceSpec]:
    """The main catalogue row of each table (the un-nested one when there is one)."""
    found: dict[str, ResourceSpec] = {}
    for spec in catalog().resources:
        key = table_key(spec)
        if key not in found or (found[key].nested and not spec.nested):
            found[key] = spec
    return found


@cache
def field_types(table: str) -> dict[str, str]:
    """Field name -> declared type for every row of the table (plus recorded-only keys)."""
    types: dict[str, str] = {}
    for spec in catalog().resources:
        if table_key(spec) == table:
            for name, kind in spec.fields:
                types.setdefault(name, kind)
    for name in RECORDED.get(table, "").split():
        types.setdefault(name, _guess_type(name))
    return types


def _guess_type(name: str) -> str:
    if name.endswith("ID"):
        return "integer"
    if name in DECIMAL_FIELDS:
        return "decimal"
    if name == "isTaxInclusive":
        return "boolean"
    if name in ("timeStamp", "createTime"):
        return "datetime"
    return "string"


@cache
def layout(table: str) -> dict[str, str]:
    """The default record (scalar fields only) of a table, in wire order."""
    types = field_types(table)
    names = RECORDED.get(table, "").split()
    names += [n for n, t in types.items() if n not in names and t != "object" and n[:1].islower()]
    spec = specs_by_table().get(table)
    if spec and spec.id_field and spec.id_field not in names:
        names.insert(0, spec.id_field)
    record = {name: _default(types.get(name, "string"), name) for name in names}
    record.update(DEFAULTS.get(table, {}))
    return record


def _default(kind: str, name: str) -> str:
    if kind in ("integer", "decimal"):
        return "0"
    if kind == "boolean":
        return "false"
    return ""


def parent_table(placeholder: str, spec: ResourceSpec) -> tuple[str, str] | None:
    """For ``{saleID}`` in ``Sale/{saleID}/SaleLine``: the parent's table and display entity."""
    prefix = spec.path.split("/{" + placeholder + "}", 1)[0]
    for row in catalog().resources:
        if row.path == prefix:
            return table_key(row), row.entity
    return None
