"""Small word lists the seeded demo store draws its names from."""

from __future__ import annotations


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


ADJECTIVES = words(
    "Classic Urban Coastal Alpine Vintage Everyday Premium Organic Rustic Modern Heritage Nordic"
)
NOUNS = words(
    "T-Shirt Hoodie Jacket Sneaker Boot Cap Scarf Backpack Mug Candle Blanket Notebook Wallet Belt "
    "Sunglasses Bottle"
)
COLORS = words("Red Blue Green Black White Grey Navy Olive")
SIZES = words("XS S M L XL")
FIRST = words("Ava Liam Noah Emma Olivia Lucas Mia Ethan Zoe Leo Nora Owen Ivy Jack Ruby Finn")
LAST = words("Smith Garcia Chen Patel Nguyen Brown Martin Lopez Wilson Moore Clark Lewis Walker Young")
CITIES = (
    ("Portland", "OR", "97205"),
    ("Austin", "TX", "73301"),
    ("Denver", "CO", "80202"),
    ("Boston", "MA", "02108"),
    ("Seattle", "WA", "98101"),
)
STREETS = words("Main Oak Pine Maple Cedar Elm Lake Hill")
COMPANIES = words("Northwind Acme Bluebird Summit Evergreen Harbor Redwood Keystone Lumen Atlas")
CATEGORIES = {
    "Apparel": ["Tops", "Outerwear", "Bottoms"],
    "Footwear": ["Sneakers", "Boots"],
    "Accessories": ["Bags", "Hats"],
    "Home": ["Kitchen", "Decor"],
}
PAYMENT_TYPES = (
    ("Cash", "cash", True),
    ("Check", "check", False),
    ("Credit Card", "credit card", True),
    ("Credit Account", "credit account", True),
    ("Gift Card", "gift card", True),
    ("Debit Card", "user defined", False),
    ("Ecom", "ecom", True),
)
