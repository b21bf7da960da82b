"""An article's plain text as blocks: a blank line between paragraphs, a line starting with ##
a heading. No HTML is stored; templates print the blocks escaped."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Block:
    heading: bool
    text: str


def blocks(body: str) -> list[Block]:
    found: list[Block] = []
    for chunk in body.replace("\r\n", "\n").split("\n\n"):
        lines: list[str] = []
        for line in (raw.strip() for raw in chunk.split("\n")):
            if line.startswith("#"):
                if lines:
                    found.append(Block(False, "".join(lines)))
                    lines = []
                if line.lstrip("#").strip():
                    found.append(Block(True, line.lstrip("#").strip()))
            elif line:
                lines.append(line)
        if lines:
            found.append(Block(False, "".join(lines)))
    return found
