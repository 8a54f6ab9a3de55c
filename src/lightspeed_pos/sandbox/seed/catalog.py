"""Seeded catalogue: items and matrices with prices, per-shop stock and images (``seed_items``), and
their details (images, tags, vendor numbers, custom field values: ``seed_item_details``).
"""

from __future__ import annotations

from ..domains.images import BASE_IMAGE_URL
from ..domains.items import SHOP_COUNTERS
from ..engine.formatting import container, money
from ..engine.schema import layout
from .seeder import Seeder
from .words import (
    ADJECTIVES,
    COLORS,
    COMPANIES,
    NOUNS,
    SIZES,
)


def cent_text(cents: int) -> str:
    """Whole cents as a minimal decimal string (``650`` -> ``"6.5"``) without Decimal overhead."""
    whole, part = divmod(cents, 100)
    return f"{whole}.{part:02d}".rstrip("0").rstrip(".") if part else str(whole)


def seed_items(seeder: Seeder, count: int) -> None:
    rng = seeder.rng
    matrices = max(1, count // 50) if count >= 10 else 0
    matrix_rows = []
    for m in range(matrices):
        noun = NOUNS[m % len(NOUNS)]
        matrix_rows.append(
            {
                "description": f"{ADJECTIVES[m % len(ADJECTIVES)]} {noun}",
                "itemAttributeSetID": "1",
                "categoryID": str(5 + m % 9),
                "manufacturerID": str(1 + m % 10),
                "defaultCost": money(8 + m % 20),
                "tax": "true",
                "taxClassID": "1",
                "timeStamp": seeder.when(0.05 * (m / matrices)),
            }
        )
    seeder.rows("ItemMatrix", matrix_rows)
    shops = [s["shopID"] for s in seeder.store.table("Shop")]
    base, shop_base = layout("Item"), layout("ItemShop")
    item_rows, shop_rows, images = [], [], []
    shop_id = 1
    randrange, choice, random_ = rng.randrange, rng.choice, rng.random
    for i in range(1, count + 1):
        matrix = i <= matrices * 6
        m = (i - 1) // 6
        cost = randrange(200, 6000)
        price = cost * choice((18, 20, 22, 25)) // 10
        if matrix:
            color, size = COLORS[(m + (i - 1) % 6 // 3) % len(COLORS)], SIZES[(i - 1) % 3 + 1]
            description = f"{matrix_rows[m]['description']} {color} {size}"
        else:
            description = f"{choice(ADJECTIVES)} {choice(COLORS)} {choice(NOUNS)}"
        created = seeder.when(0.8 * i / count)
        changed = seeder.when(0.8 * i / count + random_() * 0.2)
        cost_text, price_text = cent_text(cost), cent_text(price)
        record = {
            **base,
            "itemID": str(i),
            "systemSku": f"21{i:010d}",
            "defaultCost": cost_text,
            "avgCost": cost_text,
            "description": description,
            "upc": f"{400000000000 + i * 7919 % 99999999:012d}",
            "customSku": f"SKU-{i:05d}",
            "createTime": created,
            "timeStamp": changed,
            "categoryID": str(5 + i % 9),
            "manufacturerID": str(1 + i % 10),
            "defaultVendorID": str(1 + i % 8),
            "Prices": {
                "ItemPrice": [
                    {"amount": price_text, "useTypeID": "1", "useType": "Default"},
                    {"amount": cent_text(price * 11 // 10), "useTypeID": "2", "useType": "MSRP"},
                    {"amount": price_text, "useTypeID": "3", "useType": "Online"},
                ]
            },
        }
        if matrix:
            record["itemMatrixID"] = str(m + 1)
            record["ItemAttributes"] = {
                "attribute1": color,
                "attribute2": size,
                "attribute3": "",
                "itemAttributeSetID": "1",
            }
        if i % 40 == 0:
            record["archived"] = "true"
        if i % 5 == 2:  # a note record, mostly empty (items/show.yml)
            note = f"Reorder from {COMPANIES[i % 8]}" if i % 20 == 2 else ""
            record["Note"] = {"note": note, "isPublic": "false", "timeStamp": created}
        if i % 20 == 17 and not matrix:  # boxes of another item (items/index.yml: box/assembly items)
            record["itemType"] = "box"
            record["ItemComponents"] = {
                "ItemComponent": {
                    "itemComponentID": str(i // 20 + 1),
                    "quantity": str(6 + i % 4 * 6),
                    "componentGroup": "1",
                    "assemblyItemID": str(i),
                    "componentItemID": str(i - 6),
                }
            }
        item_rows.append(record)
        stock = [randrange(40) for _ in shops]
        item_id = str(i)
        for sid, qoh in [("0", sum(stock)), *zip(shops, stock, strict=True)]:
            qoh_text = str(qoh)
            shop_rows.append(
                {
                    **shop_base,
                    "itemShopID": str(shop_id),
                    "qoh": qoh_text,
                    "sellable": qoh_text,
                    "reorderPoint": "5",
                    "reorderLevel": "20",
                    "timeStamp": changed,
                    "itemID": item_id,
                    "shopID": sid,
                    "averageCost": cost_text,
                    "m": SHOP_COUNTERS,
                }
            )
            shop_id += 1
        if i % 10 == 1:
            images.append(
                {
                    "description": description,
                    "filename": f"item-{i}.jpg",
                    "ordering": "0",
                    "publicID": f"demo/item-{i}",
                    "size": "48213",
                    "itemID": item_id,
                    "baseImageURL": BASE_IMAGE_URL,
                    "createTime": created,
                    "timeStamp": created,
                }
            )
    seeder.store.table("Item").load(item_rows)
    seeder.store.table("ItemShop").load(shop_rows)
    seeder.rows("Image", images)


def seed_item_details(seeder: Seeder) -> None:
    """Tags (every 25th item), vendor numbers (two items in five), custom field values (one in
    ten, and every 50th with a value) and an image on the first matrix."""
    for matrix in list(seeder.store.table("ItemMatrix"))[:1]:
        seeder.rows(
            "Image",
            [
                {
                    "description": matrix["description"],
                    "filename": f"matrix-{matrix['itemMatrixID']}.jpg",
                    "publicID": f"demo/matrix-{matrix['itemMatrixID']}",
                    "size": "51200",
                    "itemMatrixID": matrix["itemMatrixID"],
                    "baseImageURL": BASE_IMAGE_URL,
                    "createTime": matrix["timeStamp"],
                    "timeStamp": matrix["timeStamp"],
                }
            ],
        )
    table, tags = seeder.store.table("Item"), {t["tagID"]: t for t in seeder.store.table("Tag")}
    tag_ids = list(tags)
    vendor_nums = values = 0
    for item_id, item in table.rows.items():
        if item_id % 5 in (0, 2):
            vendor_nums += 1
            item["ItemVendorNums"] = {
                "ItemVendorNum": {
                    "itemVendorNumID": str(vendor_nums),
                    "value": f"V{item['defaultVendorID']}-{item_id:06d}",
                    "cost": item["defaultCost"],
                    "timeStamp": item["createTime"],
                    "vendorID": item["defaultVendorID"],
                    "itemID": item["itemID"],
                }
            }
        if item_id % 25 == 0:
            pair = (tag_ids[item_id % len(tag_ids)], tag_ids[(item_id // 25) % len(tag_ids)])
            item["TagRelations"] = container(
                "TagRelation",
                [{"tagID": t, "itemID": item["itemID"], "Tag": tags[t]} for t in dict.fromkeys(pair)],
            )
        if item_id % 50 == 0 or item_id % 10 == 7:
            values += 1
            item["CustomFieldValues"] = {
                "CustomFieldValue": {
                    "customFieldValueID": str(values),
                    "customFieldID": "1",
                    "name": "Material",
                    "type": "string",
                    "value": "Cotton" if item_id % 50 == 0 else "",
                }
            }
