"""The bottom layer: errors, settings sections, shared types and helpers of every part.

Nothing here imports the rest of the project (``routing``, ``geodata``, ``patrol``,
``dashboard``); they all import from here. The import contracts in ``pyproject.toml``
(``lint-imports``) keep it so.
"""
