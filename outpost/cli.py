"""The `outpost` console command: Django's management entry with our settings preselected."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outpost.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["outpost", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
