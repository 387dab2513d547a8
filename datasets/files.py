"""Files of a dataset snapshot: written once, hashed and counted while they are written."""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

FLUSH_BYTES = 1 << 20


@dataclass(frozen=True)
class FileRecord:
    """One file as listed in manifest.json."""

    path: str
    rows: int | None
    bytes: int
    sha256: str
    media_type: str
    description: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class HashingFile:
    """A binary file that computes its SHA-256 and size as it is written, buffering small
    writes (COPY hands over one row at a time) into large ones."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._handle = path.open("wb")
        self._digest = hashlib.sha256()
        self._buffer = bytearray()
        self.size = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self._buffer += data
        if len(self._buffer) >= FLUSH_BYTES:
            self._flush()

    def _flush(self) -> None:
        if self._buffer:
            self._digest.update(self._buffer)
            self._handle.write(self._buffer)
            self.size += len(self._buffer)
            self._buffer.clear()

    def close(self) -> None:
        self._flush()
        self._handle.close()

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()

    def __enter__(self) -> HashingFile:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class TextSink:
    """The text face of a HashingFile, for the csv module (UTF-8, newlines untouched)."""

    def __init__(self, target: HashingFile) -> None:
        self._target = target
        self._encode = codecs.getencoder("utf-8")

    def write(self, text: str) -> int:
        self._target.write(self._encode(text)[0])
        return len(text)
