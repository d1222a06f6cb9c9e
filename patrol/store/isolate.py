"""Read an uploaded file in a process of its own, with a cap on its memory.

The readers refuse hostile files before allocating (``geodata._guard``), but a reader is large
code working on untrusted bytes: a large upload is read in a child process (``spawn``) whose
address space is limited (``resource.RLIMIT_AS``, ``[store] upload_memory_mb``). If the child
runs out of memory or dies, the upload is refused with a message and the dashboard's process,
serving everyone else, is untouched. The frame comes back pickled; an ``InputFileError`` comes
back as its problems and is raised again here. Small files (up to ``[store] isolate_upload_mb``)
are read in the calling process: starting a child costs a few seconds.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from patrolbase.errors import InputFileError, Problem

__all__ = ["read_capped"]


def _cap(memory_bytes: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


def _read_in_child(
    reader: Callable[..., Any], path: str, bbox: tuple[float, float, float, float] | None
) -> tuple[str, Any]:
    try:
        return "ok", reader(Path(path), bbox=bbox)
    except InputFileError as exc:
        return "problems", (exc.file, list(exc.problems))
    except MemoryError:
        return "memory", None


def _too_big(path: Path, memory_mb: int) -> InputFileError:
    return InputFileError(
        str(path),
        [
            Problem(
                str(path),
                None,
                None,
                None,
                f"the file could not be read within {memory_mb} MB of memory: split it into "
                "smaller files",
                f"không đọc được tệp trong giới hạn {memory_mb} MB bộ nhớ: chia thành các tệp "
                "nhỏ hơn",
            )
        ],
    )


def read_capped(
    reader: Callable[..., Any],
    path: Path,
    *,
    bbox: tuple[float, float, float, float] | None,
    memory_mb: int,
    timeout_s: float = 900.0,
) -> Any:
    """Run ``reader(path, bbox=bbox)`` in a child process limited to ``memory_mb`` of memory.

    Raises
    ------
    InputFileError
        The reader's own (with every problem), or: the file needs more memory than allowed, or
        the child died.

    """
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=1, mp_context=context, initializer=_cap, initargs=(memory_mb * 2**20,)
    ) as pool:
        try:
            kind, value = pool.submit(_read_in_child, reader, str(path), bbox).result(timeout_s)
        except (BrokenProcessPool, MemoryError):
            raise _too_big(path, memory_mb) from None
    if kind == "problems":
        file, problems = value
        raise InputFileError(file, problems)
    if kind == "memory":
        raise _too_big(path, memory_mb)
    return value
