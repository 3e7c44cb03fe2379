"""Department lists: splitting a table cell into names, aliases, and collectives.

A cell such as "经发局、园区办、\\n各镇、街道" names three recipients, not four: 各镇、街道
is one collective whose 、 is part of its name. Aliases map variant spellings onto one
name (各镇政府、街道办事处 is 各镇、街道), and ``[groups]`` in config.ini expands a
collective into the concrete units that each get a workbook. No name is ever dropped:
whatever is not an alias or a group stays a recipient of its own, but for a collective
that no group expands (区有关部门): it stands for no unit that could answer, so it gets no
workbook, and where a task's units are shown it is marked 区有关部门（未发填报表）.
"""

import re

from .vocab import NO_FORM

# Separators between department names: 、 and commas, semicolons, line breaks, any white space.
_SEPARATORS = re.compile(r"[、，,；;\s\u3000]+")
_OPEN, _CLOSE = "（(", "）)"
# Collectives whose name contains a separator outside brackets; always known, config may add more.
# (各乡镇（街道）, 各县（市、区）政府 and the like need no entry: a bracket keeps its 、.)
BUILTIN_COMPOUNDS = (
    "各镇、街道",
    "各乡镇、街道",
    "各镇人民政府、街道办事处",
    "各乡镇人民政府、街道办事处",
    "各县、市、区政府",
    "各县、市、区人民政府",
    "各县、市、区",
    "各市、县、区",
)
# 各镇、街道, 市政府各部门, 区直各部门, 各相关单位, 区级有关部门, 联席会议成员单位 …
_COLLECTIVE_HINT = re.compile(r"各|有关|相关|成员单位|、")
# "（牵头）" after a name in a list makes that unit the lead; "（配合）" only repeats the column's role, and
# "（未发填报表）" is the tool's own mark of a collective (:meth:`Departments.marked`): neither is part of the name.
_LEAD_MARK = re.compile(r"[（(]\s*牵头[^）)]{0,2}\s*[）)]")
_OTHER_MARK = re.compile(rf"[（(]\s*(?:配合|协办|协助|参与|{NO_FORM})[^）)]{{0,2}}\s*[）)]")
# Words that end a list in prose: 园区办。 / 经发局等 / 科技局等有关部门 / 园区办及
_TRAILING = re.compile(r"(?:等(?:有关|相关)?(?:部门|单位)?|及)?[。.]*$")
# How the name of a unit ends (市生态环境局, 区政务服务中心, 某某街道, 国网某某供电公司, 某某县 …).
_UNIT_END = re.compile(
    r"(?:局|委|办|院|中心|镇|乡|街道|公司|所|站|队|厅|部|会|社|行|集团|政府|办事处|联|协|处|室|科|组"
    r"|馆|团|署|场|园|校|台|庭|厂|县|市|区|旗|部门|单位|人大)$"
)
# How a unit's name begins: a next line that begins so and makes a unit is a unit of its own (区城投 / 区财政局).
_UNIT_START = ("区", "市", "县", "省", "各")
# A line that is only the end of a name, never a unit of its own: it continues the line above.
_NAME_TAILS = frozenset(
    (
        "委员会",
        "管委会",
        "办公室",
        "办事处",
        "人民政府",
        "政府",
        "分局",
        "中心",
        "集团",
        "公司",
        "有限公司",
        "大队",
        "支队",
        "管理局",
        "管理处",
        "服务中心",
    )
)
_SEPARATOR_CHARS = "、，,；;"
_DEPT_SEPARATOR_RUN = re.compile(r"[\s\u3000]*、[\s\u3000、]*")


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
        names = []
        for token, _ in self.tokens(text):
            name = self.aliases.get(token, token)
            if name not in names:
                names.append(name)
        return names

    def tokens(self, text: str) -> list[tuple[str, bool]]:
        """The names of a cell as written (before aliases), each with True when marked "（牵头）".

        A trailing 。, 等 or 及 and the marks themselves are removed; separators inside
        brackets (各县（市、区）政府) and in known collectives (各镇、街道) do not split.

        >>> Departments().tokens("质监分局（牵头）、园区办等。")
        [('质监分局', True), ('园区办', False)]
        """
        text = (text or "").strip()
        if not text:
            return []
        pieces = [text]
        # Protect compound names by cutting the text around them.
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
        raw = []
        for piece in pieces:
            if isinstance(piece, _Whole):
                raw.append(str(piece))
            else:
                raw.extend(_split_outside_brackets(piece))
        tokens = []
        for token in raw:
            lead = bool(_LEAD_MARK.search(token))
            token = self._bare(token)
            if token:
                tokens.append((token, lead))
        return tokens

    def join_lines(self, paragraphs) -> tuple[str, list]:
        """A unit cell's lines (paragraphs, line breaks) as one list; returns (text, joins made).

        A break between two names separates them (质监分局 / 药监分局 → 质监分局、药监分局); a
        line that does not make a unit by itself continues on the next (市生态 / 环境局 →
        市生态环境局), and so does a line that is only the end of a name (委员会, 办事处). Each
        join is (first line's name, second line's, joined) so that the clerk can check it.

        >>> Departments().join_lines(["市生态", "环境局、市财政局"])
        ('市生态环境局、市财政局', [('市生态', '环境局', '市生态环境局')])
        """
        text, joins = "", []
        for line in (line.strip() for p in paragraphs for line in str(p).splitlines()):
            if not line:
                continue
            if not text or text[-1] in _SEPARATOR_CHARS or line[0] in _SEPARATOR_CHARS + _OPEN:
                text += line
                continue
            last = self._bare(_split_outside_brackets(text)[-1])
            first = self._bare(_split_outside_brackets(line)[0])
            whole = self.is_unit(first) and first.startswith(_UNIT_START)
            if (
                first
                and last
                and (first in _NAME_TAILS or (not whole and not self.is_unit(last) and self.is_unit(last + first)))
            ):
                joins.append((last, first, last + first))
                text += line
            else:
                text += "、" + line
        return _DEPT_SEPARATOR_RUN.sub("、", text).strip("、 "), joins

    def is_unit(self, name: str) -> bool:
        """True for a name that makes a unit by itself: a known unit, alias or group, a collective, or a name
        ending as units do (局, 委, 办, 中心, 街道, 公司 …)."""
        name = self.aliases.get(name, name)
        known = name in self.groups or any(name in members for members in self.groups.values())
        return (
            known
            or name in self.aliases.values()
            or bool(len(name) >= 2 and (_UNIT_END.search(name) or _COLLECTIVE_HINT.search(name)))
        )

    @staticmethod
    def _bare(token):
        """A token without its marks and trailing words: 环境局（牵头） → 环境局."""
        return _TRAILING.sub("", _OTHER_MARK.sub("", _LEAD_MARK.sub("", token))).strip()

    def expand(self, name):
        """The recipients a name stands for: its group's members, none for an unexpanded collective, or the name
        itself."""
        if name in self.groups:
            return list(self.groups[name])
        return [] if self.is_unexpanded_collective(name) else [name]

    def members(self, names) -> list:
        """The recipients ``names`` (a task's leads, say) stand for, in order: an unexpanded collective stands for
        none, so a concrete lead listed after it is the one asked (the first lead, by status_rule main_lead)."""
        return [member for name in names for member in self.expand(name)]

    def marked(self, text: str) -> str:
        """A list of units as written (a task's 牵头部门 or 配合部门), each unexpanded collective marked as getting no
        form: "区相关部门、各镇、街道" → "区相关部门（未发填报表）、各镇、街道"; a list without one unchanged.

        >>> Departments().marked("区有关部门、园区办")
        '区有关部门（未发填报表）、园区办'
        """
        tokens = [token for token, _ in self.tokens(text)]
        if not any(self.is_unexpanded_collective(self.aliases.get(t, t)) for t in tokens):
            return text
        return "、".join(
            f"{t}（{NO_FORM}）" if self.is_unexpanded_collective(self.aliases.get(t, t)) else t for t in tokens
        )

    def is_unexpanded_collective(self, name):
        """True for a name that looks collective (各…, …各部门, …有关部门, …成员单位) and has no group: no form."""
        return name not in self.groups and bool(_COLLECTIVE_HINT.search(name))


def _split_outside_brackets(text):
    """Split on separators that stand outside （…）: 各县（市、区）政府 stays one name."""
    parts, current, depth = [], [], 0
    for char in text:
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth = max(depth - 1, 0)
        if depth == 0 and _SEPARATORS.fullmatch(char):
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p for p in parts if p]


class _Whole(str):
    """A compound name already cut out of the text, not to be split again."""


def split_list(text):
    """Split a config value such as "罗溪镇、西夏墅镇" into names (no aliasing)."""
    return [p for p in _SEPARATORS.split(text or "") if p]
