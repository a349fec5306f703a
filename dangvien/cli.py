"""The `dangvien` console command: `dangvien demo`, `dangvien seed`, and every
Django management command (`dangvien migrate`, `dangvien shell`, ...); a
command may be written with hyphens (`dangvien import-members`)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvien.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:]
    # `dangvien import-members`, `dangvien export-members`: the documented
    # spelling of the commands whose Django names take an underscore.
    if args and "-" in args[0] and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["dangvien", *args])


if __name__ == "__main__":
    main()
