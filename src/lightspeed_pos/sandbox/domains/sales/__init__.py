"""Sales, all in one place: nested lines and payments, pricing and totals (``totals.py``), the sale
actions (``actions.py``) and the accounting reports computed from completed sales (``reports.py``).
The seeded sales are ``seed/sales.py``."""
