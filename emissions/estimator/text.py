"""Text the registry can store: no NUL (PostgreSQL text and jsonb refuse it) and no lone
surrogate (it has no UTF-8 encoding). Checked before anything is computed or saved, so such
input is a 400 naming the field instead of a database error."""

from __future__ import annotations

from typing import Any

# Inputs are small documents (runs of a disclosure); anything deeper is not one of them.
MAX_DEPTH = 32


def text_problem(value: str) -> str | None:
    if "\x00" in value:
        return "contains a NUL character (\\u0000), which cannot be stored"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone surrogate (an invalid \\ud800-\\udfff escape)"
    return None


def first_unstorable_text(value: Any, field: str = "") -> tuple[str, str] | None:
    """(path, problem) of the first string, key or value, that cannot be stored; else None.

    Walks iteratively, so a hostile nesting depth costs no recursion; deeper than MAX_DEPTH
    is itself the problem.
    """
    pending: list[tuple[Any, str, int]] = [(value, field, 0)]
    while pending:
        item, path, depth = pending.pop()
        if depth > MAX_DEPTH:
            return path, f"nested deeper than {MAX_DEPTH} levels"
        if isinstance(item, str):
            problem = text_problem(item)
            if problem:
                return path, problem
        elif isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{path}.{key}" if path else str(key)
                problem = text_problem(str(key))
                if problem:
                    return path or str(key), f"has a key that {problem}"
                pending.append((child, child_path, depth + 1))
        elif isinstance(item, list | tuple):
            pending.extend((child, f"{path}[{i}]", depth + 1) for i, child in enumerate(item))
    return None
