"""Patrol planner: settings, errors, the command line and the one pipeline.

load area -> score risk -> build problem -> solve -> export.
"""

__version__ = "0.1.0"
