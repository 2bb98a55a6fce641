"""Griffe extension for the documentation build: turn the reStructuredText markup of our numpydoc
docstrings into the Markdown that mkdocstrings renders.

The library's docstrings follow numpydoc, which writes maths and cross-references in RST:
``:math:`x```, ``.. math::`` blocks, ``:class:`~hopfield.X```, ``ReP\\ :sub:`n```. mkdocstrings
renders docstrings as Markdown, so this extension rewrites them (in the docs build only; the source
is untouched) into ``$x$`` / ``$$...$$`` for pymdownx.arithmatex (MathJax), code spans for
cross-references, and ``<sub>`` for subscripts.
"""

from __future__ import annotations

import re

import griffe

_MATH_ROLE = re.compile(r":math:`([^`]+)`")
_XREF_ROLE = re.compile(r":(?:class|func|meth|attr|mod|data|obj|exc|const):`!?~?([^`]+)`")
_SUB_ROLE = re.compile(r"(?:\\ )?:sub:`([^`]+)`")
_SUP_ROLE = re.compile(r"(?:\\ )?:sup:`([^`]+)`")
_DIRECTIVE = re.compile(r"^(?P<indent>[ \t]*)\.\. math::[ \t]*(?P<rest>.*)$")


def _xref(match: re.Match) -> str:
    target = match.group(1)
    if "<" in target and target.endswith(">"):  # :class:`text <target>`
        return f"`{target.split('<', 1)[0].strip()}`"
    raw = match.group(0)
    short = target.rsplit(".", 1)[-1] if "`~" in raw else target
    return f"`{short}`"


def _math_blocks(text: str) -> str:
    """Replace each ``.. math::`` directive by one ``$$ ... $$`` block per equation paragraph."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        m = _DIRECTIVE.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        indent = len(m.group("indent").expandtabs())
        body: list[str] = []
        if m.group("rest").strip():
            body.append(m.group("rest").strip())
        i += 1
        while i < len(lines):
            line = lines[i]
            if line.strip() and len(line) - len(line.lstrip()) <= indent:
                break
            body.append(line.strip())
            i += 1
        while body and not body[-1]:
            body.pop()
        equations, current = [], []
        for line in [*body, ""]:
            if line:
                current.append(line)
            elif current:
                equations.append(current)
                current = []
        pad = " " * indent
        for eq in equations:
            out.append(f"{pad}$$")
            out.extend(f"{pad}{line}" for line in eq)
            out.append(f"{pad}$$")
            out.append("")
        if out and out[-1] == "" and (i >= len(lines) or not lines[i].strip()):
            out.pop()
    return "\n".join(out)


def convert(text: str) -> str:
    """The Markdown form of one docstring."""
    text = _math_blocks(text)
    text = _MATH_ROLE.sub(lambda m: f"${m.group(1).strip()}$", text)
    text = _XREF_ROLE.sub(_xref, text)
    text = _SUB_ROLE.sub(r"<sub>\1</sub>", text)
    text = _SUP_ROLE.sub(r"<sup>\1</sup>", text)
    return text


class RSTMarkup(griffe.Extension):
    """Rewrite every docstring once the package is loaded."""

    def on_package(self, *, pkg: griffe.Module, **kwargs) -> None:
        seen: set[int] = set()
        stack: list[griffe.Object] = [pkg]
        while stack:
            obj = stack.pop()
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            if obj.docstring is not None:
                obj.docstring.value = convert(obj.docstring.value)
            for member in obj.members.values():
                if not member.is_alias:
                    stack.append(member)
