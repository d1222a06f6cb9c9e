"""``python -m patrol`` runs the ``patrol`` command."""

from patrol.cli import main

main()
