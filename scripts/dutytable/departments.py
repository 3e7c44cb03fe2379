"""Department lists: splitting a table cell into names, aliases, and collectives.

A cell such as "经发局、园区办、\\n各镇、街道" names three recipients, not four: 各镇、街道
is one collective whose 、 is part of its name. Aliases map variant spellings onto one
name (各镇政府、街道办事处 is 各镇、街道), and ``[groups]`` in config.ini expands a
collective into the concrete units that each get a workbook. No name is ever dropped:
whatever is not an alias or a group stays a recipient of its own.
"""

import re

# Separators between department names: 、 and commas, line breaks, any white space.
_SEPARATORS = re.compile(r"[、，,；;\s\u3000]+")
# Collectives whose name contains a separator; always known, config may add more.
BUILTIN_COMPOUNDS = ("各镇、街道",)
_COLLECTIVE_HINT = re.compile(r"^各|有关|相关|、")


class Departments:
    """Splits, normalises and expands department names.

    Args:
        aliases: mapping of variant name -> canonical name.
        groups: mapping of collective name -> list of member recipients.
    """

    def __init__(self, aliases=None, groups=None):
        self.aliases = dict(aliases or {})
        self.groups = {k: list(v) for k, v in (groups or {}).items()}
        compounds = set(BUILTIN_COMPOUNDS)
        for name in list(self.aliases) + list(self.aliases.values()) + list(self.groups):
            if _SEPARATORS.search(name):
                compounds.add(name)
        # Longest first, so that 各镇政府、街道办事处 is found before 各镇、街道.
        self._compounds = sorted(compounds, key=len, reverse=True)

    def split(self, text):
        """Split a cell's text into canonical department names, in order, each once.

        >>> Departments({"各镇政府、街道办事处": "各镇、街道"}).split("各镇政府、街道办事处、园区办")
        ['各镇、街道', '园区办']
        """
        text = (text or "").strip()
        if not text:
            return []
        tokens = []
        # Protect compound names by cutting the text around them.
        pieces = [text]
        for compound in self._compounds:
            next_pieces = []
            for piece in pieces:
                if isinstance(piece, _Whole):
                    next_pieces.append(piece)
                    continue
                parts = piece.split(compound)
                for i, part in enumerate(parts):
                    if i:
                        next_pieces.append(_Whole(compound))
                    next_pieces.append(part)
            pieces = next_pieces
        for piece in pieces:
            if isinstance(piece, _Whole):
                tokens.append(str(piece))
            else:
                tokens.extend(p for p in _SEPARATORS.split(piece) if p)
        names = []
        for token in tokens:
            name = self.aliases.get(token, token)
            if name not in names:
                names.append(name)
        return names

    def expand(self, name):
        """The recipients a name stands for: its group's members, or the name itself."""
        return list(self.groups.get(name, [name]))

    def is_unexpanded_collective(self, name):
        """True for a name that looks collective (各…, …有关部门) and has no group."""
        return name not in self.groups and bool(_COLLECTIVE_HINT.search(name))


class _Whole(str):
    """A compound name already cut out of the text, not to be split again."""


def split_list(text):
    """Split a config value such as "罗溪镇、西夏墅镇" into names (no aliasing)."""
    return [p for p in _SEPARATORS.split(text or "") if p]
