"""Sales: nested lines and payments, pricing and totals, sale actions, accounting reports."""
