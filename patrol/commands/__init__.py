"""Bodies of the ``patrol`` subcommands, one module per topic; registered in ``patrol.cli``."""
