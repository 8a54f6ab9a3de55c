"""Relations, loaded the same way by both clients: from the record when it embeds them, else
with one request (an op, like the collections' operations).

* to-one (``item.item_matrix``): the embedded object, ``None`` for a 0 foreign key, else
  ``find`` on the related collection;
* to-many (``sale.sale_lines``): the embedded container, else the nested endpoint under the record
  (``Sale/{saleID}/SaleLine``) as a :class:`RelatedList`, else a filter on the related collection;
* embedded objects (``customer.contact``): from the record, else the record again with
  ``load_relations``;
* ``item.prices``: a mapping of price use type to ``Decimal``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from ._collection_base import model_for
from ._paths import row_at
from ._resource import RelatedList, RelationSpec, Resource
from ._wire import nested, to_int
from .query import Query

if TYPE_CHECKING:
    from ._collection_base import CollectionBase, Op


def relation_op(collection: CollectionBase[Any], resource: Resource[Any], spec: RelationSpec) -> Op[Any]:
    """A relation: from the record itself when embedded or 0, else fetched."""
    value = embedded(collection, resource, spec)
    if value is not ...:
        return value
    if spec.kind == "prices":  # a record built without its Prices: read it again
        again = yield from collection.find_op(resource.id, None)
        return embedded(collection, again, spec)
    if spec.kind == "embedded":
        query = Query(load_relations=[spec.container])
        again = yield from collection.find_op(resource.id, query)
        if spec.container in again.attributes:
            return embedded(collection, again, spec)
        return [] if spec.inner else None
    if spec.kind == "one":
        target = collection.related(spec.target)
        return (yield from target.find_op(to_int(resource.attributes.get(spec.key)) or 0, None))
    children = nested_collection(collection, resource, spec)
    if children is not None:
        return RelatedList((yield from children.all_op(None)), children)
    return (yield from collection.related(spec.target).all_op({spec.key: resource.id}))


def nested_collection(
    collection: CollectionBase[Any], resource: Resource[Any], spec: RelationSpec
) -> CollectionBase[Any] | None:
    """The nested endpoint under this record for a to-many relation (``Sale/{saleID}/SaleLine``)."""
    if not spec.segment:
        return None
    path = f"{collection.spec.path}/{{{collection.spec.id_field}}}/{spec.segment}"
    row = row_at(path)
    if row is None:
        return None
    parents = {name: to_int(resource.attributes.get(name)) or 0 for name in row.parents}
    parents[collection.spec.id_field] = resource.id
    children: CollectionBase[Any] = collection.client.collection(
        row.name, account_id=collection.account_id, **parents
    )
    return children


def embedded(collection: CollectionBase[Any], resource: Resource[Any], spec: RelationSpec) -> Any:
    """A relation answered from the record itself, or ``...`` when it must be fetched."""
    attributes = resource.attributes
    if spec.kind == "prices":
        if "Prices" not in attributes and resource.id:
            return ...
        prices = nested(attributes, "Prices", "ItemPrice") or []
        return {
            str(p.get("useType", p.get("useTypeID", ""))).lower(): _decimal(p.get("amount")) for p in prices
        }
    if spec.kind == "embedded" and spec.inner:
        found = nested(attributes, spec.container, spec.inner)
        if found is None:
            return [] if not resource.id else ...
        return [model_for(spec.target).from_wire(r) for r in found]
    if spec.kind == "embedded":
        raw = attributes.get(spec.container)
        if isinstance(raw, dict):
            return model_for(spec.target).from_wire(raw)
        return None if raw == "" or not resource.id else ...
    if spec.kind == "one":
        raw = attributes.get(spec.container) if spec.container else None
        if isinstance(raw, dict) and raw:
            return collection.related(spec.target).wrap(raw)
        return None if not to_int(attributes.get(spec.key)) else ...
    inside = nested(attributes, spec.container, spec.inner) if spec.container else None
    if inside is None:
        return [] if not resource.id else ...
    children = nested_collection(collection, resource, spec)
    if children is None:
        return [collection.related(spec.target).wrap(r) for r in inside]
    return RelatedList([children.wrap(r) for r in inside], children)


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
