"""README.md as tests read it: a section, its ```bash blocks, and their commands."""

import re
import shlex
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def section(title: str) -> str:
    """README's `## title` section, subsections included."""
    readme = README.read_text()
    start = readme.index(f"\n## {title}")
    end = readme.find("\n## ", start + 1)
    return readme[start:end if end > 0 else None]


def bash_blocks(text: str) -> list[str]:
    """The contents of every ```bash block in ``text``."""
    return re.findall(r"```bash\n(.*?)```", text, re.S)


def commands(script: str) -> list[list[str]]:
    """The commands of a shell script, as words (comments and blank lines dropped, lines
    continued with a backslash joined)."""
    return [words for line in script.replace("\\\n", " ").splitlines()
            if (words := shlex.split(line, comments=True))]


def bash_lines(text: str) -> list[list[str]]:
    """The commands of every ```bash block in ``text``, as words."""
    return [words for block in bash_blocks(text) for words in commands(block)]
