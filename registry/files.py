"""Publishing files so that nobody ever reads half of one.

A file (or folder) is written under a hidden temporary name in its target's folder, then
renamed onto the target when complete: a rename within one file system is atomic, so a reader
sees the previous complete version or the new one, and a process killed midway leaves the
previous version intact plus a hidden `.NAME.partial-<random>` that `partials_of` finds.
"""

from __future__ import annotations

import glob
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

PARTIAL_MARK = ".partial-"


def partial_name(target: Path) -> Path:
    """A fresh hidden temporary name next to `target`."""
    return target.with_name(f".{target.name}{PARTIAL_MARK}{uuid.uuid4().hex[:8]}")


def partials_of(target: Path) -> list[Path]:
    """The temporary files or folders left next to `target` by writes that never finished."""
    pattern = f".{glob.escape(target.name)}{PARTIAL_MARK}*"
    return sorted(target.parent.glob(pattern))


def remove_partials(target: Path) -> None:
    for partial in partials_of(target):
        if partial.is_dir():
            shutil.rmtree(partial, ignore_errors=True)
        else:
            partial.unlink(missing_ok=True)


@contextmanager
def atomic_file(target: Path) -> Iterator[BinaryIO]:
    """Yield a binary file that replaces `target` only once the block completes; on an
    exception the temporary file is removed and `target` is left as it was."""
    partial = partial_name(target)
    try:
        with partial.open("xb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_directory(target: Path) -> Iterator[Path]:
    """Yield a temporary folder that is renamed to `target` (absent or empty) once the block
    completes; on an exception it is removed."""
    partial = partial_name(target)
    partial.mkdir()
    try:
        yield partial
        os.replace(partial, target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
