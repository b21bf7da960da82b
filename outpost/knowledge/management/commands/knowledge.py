"""`outpost knowledge handbook OUT.pdf`: the printable handbook of the published articles."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from outpost.core.context import request_context
from outpost.core.i18n import CommandBase
from outpost.knowledge.handbook import cached_pdf


class Command(CommandBase):
    help = "The knowledge base: write the printable handbook (PDF)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        book = sub.add_parser("handbook", help="write the handbook of published articles (A5 PDF)")
        book.add_argument("output", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        with request_context("command"):
            pdf = cached_pdf()
            options["output"].write_bytes(pdf)
            self.stdout.write(
                _("Handbook written: %(path)s (%(size)s bytes)")
                % {"path": options["output"], "size": len(pdf)}
            )
