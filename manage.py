#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
    from django.core.management import execute_from_command_line

    from registry.embedded_db import EmbeddedDatabaseStopped

    try:
        execute_from_command_line(sys.argv)
    except EmbeddedDatabaseStopped as stopped:
        sys.stderr.write(f"{stopped}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
