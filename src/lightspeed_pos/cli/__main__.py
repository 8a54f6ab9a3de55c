"""``python -m lightspeed_pos.cli``: the same as the ``lightspeed`` script."""

from lightspeed_pos.cli import main

main()
