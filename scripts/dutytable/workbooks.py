"""Reading spreadsheets safely: kind by content, zip bombs and XML entity tricks refused first.

Every workbook this tool reads, the master table and every return, passes through
:func:`open_workbook`. Values are read with python-calamine (fast, reads .xlsx, .xlsm,
.xls and .ods alike, never runs macros); text comes back cleaned of control characters
(:func:`vocab.clean_text`), so none of them reaches the ledger, the 汇总 or a Word document.
"""

import datetime as dt
import io
import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import python_calamine

from .errors import EncryptedFileError, InputError, UnsafeFileError
from .vocab import clean_text

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

# Limits for a returned form; a real one is a few dozen kilobytes.
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200
MAX_MEMBERS = 5000
# A DOCTYPE can only stand in an XML file's prolog, before the root element; a prolog
# longer than this (comments, whitespace) is itself a sign of tampering.
_PROLOG_LIMIT = 64 * 1024
_FIRST_READ = 4 * 1024


class Percent(float):
    """A number cell formatted as a percentage: 0.93 shown as 93%. Everything else sees a plain float."""

    __slots__ = ()


def _source(path_or_bytes):
    """A seekable binary stream over a path or over bytes already read."""
    if isinstance(path_or_bytes, (bytes, bytearray)):
        return io.BytesIO(path_or_bytes)
    return open(path_or_bytes, "rb")


def sniff(path_or_bytes):
    """The kind of a file by its content: xlsx, xlsm, xls, ods, docx, zip, damaged (a broken zip), or None.

    An encrypted Office file is an OLE2 container with an EncryptionInfo stream;
    it is reported as "encrypted".
    """
    with _source(path_or_bytes) as f:
        head = f.read(8)
        f.seek(0)
        if head == OLE2_MAGIC:
            return _sniff_ole(f.read())
        if head[:4] != ZIP_MAGIC:
            return None
        return _sniff_zip(f)


def _sniff_ole(data):
    if "EncryptionInfo".encode("utf-16-le") in data:
        return "encrypted"
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "xls"
    return None


def _sniff_zip(f):
    try:
        with zipfile.ZipFile(f) as z:
            names = set(z.namelist())
            if "xl/workbook.xml" in names:
                return "xlsm" if "xl/vbaProject.bin" in names else "xlsx"
            if "word/document.xml" in names:
                return "docx"
            if "mimetype" in names:
                mime = z.read("mimetype")[:100]
                if mime.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
                    return "ods"
            return "zip"
    except (zipfile.BadZipFile, OSError):
        return "damaged"


def expands_too_far(infos):
    """True if zip members would expand past MAX_UNCOMPRESSED in all, or one large member is compressed suspiciously "
    "well."""
    total = 0
    for info in infos:
        total += info.file_size
        if total > MAX_UNCOMPRESSED or (
            info.file_size > 1024 * 1024 and info.file_size / max(info.compress_size, 1) > MAX_RATIO
        ):
            return True
    return False


def check_zip(path_or_bytes, label):
    """Refuse a zip container that would expand too far or declares XML entities.

    Runs before any parser sees the file. ``label`` names the file in messages.

    Raises:
        UnsafeFileError: with a one-line Chinese reason.
    """
    try:
        with _source(path_or_bytes) as f, zipfile.ZipFile(f) as z:
            infos = z.infolist()
            if len(infos) > MAX_MEMBERS:
                raise UnsafeFileError(f"{label}：包含 {len(infos)} 个内部文件，远超正常表格，疑似恶意文件，已拒收。")
            if expands_too_far(infos):
                raise UnsafeFileError(
                    f"{label}：解压后体积异常（压缩炸弹），为保护本机已拒收，请对方重新导出正常的表格后再发。"
                )
            data = path_or_bytes if isinstance(path_or_bytes, (bytes, bytearray)) else None
            for info in infos:
                if info.filename.lower().endswith((".xml", ".rels", ".vml")):
                    verdict = _head_verdict(data, info) if data is not None else None
                    if verdict is None:  # not settled by the member's first bytes: read it as a stream
                        with z.open(info) as member:
                            verdict = declares_dtd(member)
                    if verdict:
                        raise UnsafeFileError(
                            f"{label}：内部文件 {info.filename} 含有 XML 实体声明，可能是恶意文件，已拒收。"
                        )
    except zipfile.BadZipFile:
        raise InputError(f"{label}：文件已损坏，无法打开，请对方重新发送。") from None


_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, then the name's and the extra field's lengths
_HEAD_BYTES = 1024  # compressed bytes read from a member to settle its prolog (xlsx prologs are ~60 bytes)


def _head_verdict(data, info):
    """:func:`declares_dtd` from the first bytes of a stored or deflated member of the zip ``data``, read
    without opening a stream (a tenth of the time); None when they do not settle it or the member is unusual.

    The bytes are those a stream would give: cut at the member's stated size, under the name the directory
    gives it, and checked against its checksum when they are the whole member (else the stream says 已损坏).
    """
    if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return None
    start = info.header_offset
    header = data[start : start + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size:
        return None
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(header)
    start += _LOCAL_HEADER.size
    name = data[start : start + name_length]
    if signature != b"PK\x03\x04" or name != info.orig_filename.encode(
        "utf-8" if info.flag_bits & 0x800 else "cp437", errors="replace"
    ):
        return None
    start += name_length + extra_length
    raw = data[start : start + min(info.compress_size, _HEAD_BYTES)]
    try:
        head = raw if info.compress_type == zipfile.ZIP_STORED else zlib.decompressobj(-15).decompress(raw, _FIRST_READ)
    except zlib.error:
        return None  # damaged: the stream read says so
    head = head[: info.file_size]
    complete = len(head) >= info.file_size
    if complete and zlib.crc32(head) != info.CRC:
        return None
    return _prolog_verdict(head, complete=complete)


def declares_dtd(stream):
    """True if an XML stream has a DOCTYPE (or any <!…> declaration) before its root element.

    Reads only the prolog: comments and processing instructions are skipped, UTF-16 is
    decoded by its byte-order mark, and a prolog past 64 KB counts as a declaration. The
    first 4 KB settle almost every file; more is read only when the prolog runs past them.
    """
    data = stream.read(_FIRST_READ)
    verdict = _prolog_verdict(data, complete=len(data) < _FIRST_READ)
    if verdict is None:
        data += stream.read(_PROLOG_LIMIT - len(data))
        verdict = _prolog_verdict(data, complete=True)
    return verdict


def _prolog_verdict(data, complete):
    """True (a declaration), False (the root element comes first), or None (``data`` ends inside the prolog)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="ignore")
    else:
        text = data.decode("utf-8", errors="ignore").lstrip("\ufeff")
    i = 0
    while True:
        i = text.find("<", i)
        if i < 0:
            return (len(data) >= _PROLOG_LIMIT) if complete else None  # no root element in sight
        if text.startswith("<?", i):
            end = text.find("?>", i)
        elif text.startswith("<!--", i):
            end = text.find("-->", i)
        elif text.startswith("<!", i):
            return True  # <!DOCTYPE, <!ENTITY and the like
        elif complete or len(text) - i >= 2:
            return False  # the root element: the prolog is over
        else:
            return None
        if end < 0:
            return True if complete else None
        i = end + 2


@dataclass
class Sheet:
    """One worksheet's values as rows of Python values (str, float, int, bool, date, None)."""

    name: str
    rows: list
    visible: bool = True
    merged: tuple = ()  # ((first row, first col), (last row, last col)) of each merged range, 0-based

    def cell(self, row, col):
        """Value at 0-based ``row``, ``col``; None outside the data."""
        if row < len(self.rows) and col < len(self.rows[row]):
            return self.rows[row][col]
        return None


def open_workbook(path, label=None, data=None, wanted=None, kind=None):
    """Read the sheets of a spreadsheet file, after the safety checks.

    Args:
        path: the file.
        label: how messages name the file (default: its name).
        data: the file's bytes, when the caller has read them already.
        wanted: ``wanted(names)`` picks the sheet names to read (default: all).
        kind: the file's kind when the caller has sniffed it already.

    Returns:
        A tuple ``(kind, sheets)``: the kind from :func:`sniff` and a list of :class:`Sheet`, each text
        through :func:`vocab.clean_text`.

    Raises:
        EncryptedFileError, UnsafeFileError, InputError: one line of Chinese each.
    """
    path = Path(path)
    label = label or path.name
    data = path.read_bytes() if data is None else data
    kind = kind or sniff(data)
    _check_kind(kind, data, label)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        names = set(wanted([m.name for m in book.sheets_metadata])) if wanted else None
        for meta in book.sheets_metadata:
            if names is not None and meta.name not in names:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            values = sheet.to_python(skip_empty_area=False)
            visible = meta.visible == python_calamine.SheetVisibleEnum.Visible
            # Text as the clerk saw it: no control character reaches a later stage (a Word document refuses them).
            sheets.append(
                Sheet(
                    meta.name,
                    [[clean_text(v) if type(v) is str else v for v in r] for r in values],
                    visible,
                    tuple(sheet.merged_cell_ranges or ()),
                )
            )
    except Exception as exc:  # calamine raises several error types for broken files
        raise InputError(
            f"{label}：文件内容已损坏，无法读取（{type(exc).__name__}）。请对方用 Excel 或 WPS 重新保存后发送。"
        ) from None
    _mark_percentages(data, kind, sheets)
    return kind, sheets


def _check_kind(kind: str, data: bytes, label: str) -> None:
    """Raise the one-line error for a file that is encrypted, damaged or no spreadsheet, or whose zip is unsafe
    (:func:`check_zip`)."""
    if kind == "encrypted":
        raise EncryptedFileError(
            f"{label}：文件设置了打开密码，无法读取。请对方取消密码（文件→信息→保护工作簿）后重新发送。"
        )
    if kind == "damaged":
        raise InputError(f"{label}：文件已损坏，无法打开，请对方重新发送。")
    if kind not in ("xlsx", "xlsm", "xls", "ods"):
        raise InputError(f"{label}：不是 Excel、WPS 或 OpenDocument 表格文件，无法读取。请发送 .xlsx 格式的填报表。")
    if kind != "xls":
        check_zip(data, label)


# ---------------------------------------------------------------------------
# Percent-formatted cells. calamine gives values only, but "93%" typed in Excel is stored as
# 0.93 with a percent format; the format is read from the file so that 0.93 means 93 % only
# where the clerk saw 93 %. Read for .xlsx/.xlsm and .ods; an .xls keeps plain numbers.

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_BUILTIN_PERCENT = {9, 10}  # 0% and 0.00%
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^]]*\]')  # literal text, escapes and [colour] in a format code
_A1 = re.compile(r"^([A-Z]+)(\d+)$")
_TEXT_TYPES = {"s", "str", "inlineStr", "b", "e"}


def _mark_percentages(data, kind, sheets):
    """Replace each percent-formatted number in ``sheets`` with a :class:`Percent` of the same value."""
    if kind not in ("xlsx", "xlsm", "ods") or not sheets:
        return
    if not any(type(v) in (int, float) for sheet in sheets for row in sheet.rows for v in row):
        return  # no number anywhere: no format to look up (the styles are not parsed)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            cells = _xlsx_percent_cells(z, {s.name for s in sheets}) if kind != "ods" else _ods_percent_cells(z)
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, ValueError):
        return  # an odd package: its values stand as read, without formats
    for sheet in sheets:
        for row, col in cells.get(sheet.name, ()):
            value = sheet.cell(row, col)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                sheet.rows[row][col] = Percent(value)


def _xlsx_percent_cells(z, names):
    """{sheet name: [(row, col), ...]} of numeric cells whose style has a percent format (0-based)."""
    styles = ElementTree.fromstring(z.read("xl/styles.xml"))
    percent_formats = set(_BUILTIN_PERCENT)
    for fmt in styles.iter(f"{_MAIN}numFmt"):
        if "%" in _QUOTED.sub("", fmt.get("formatCode", "")):
            percent_formats.add(int(fmt.get("numFmtId")))
    cell_xfs = styles.find(f"{_MAIN}cellXfs")
    xfs = [] if cell_xfs is None else list(cell_xfs)
    percent_styles = {str(i) for i, xf in enumerate(xfs) if int(xf.get("numFmtId", "0")) in percent_formats}
    if not percent_styles:
        return {}
    book = ElementTree.fromstring(z.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{_PKG_REL}Relationship")}
    found = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"))
        if sheet.get("name") not in names or not target:
            continue
        member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        cells = found.setdefault(sheet.get("name"), [])
        with z.open(member) as f:
            for _, c in ElementTree.iterparse(f):
                if c.tag == f"{_MAIN}c":
                    match = _A1.match(c.get("r", ""))
                    if match and c.get("s") in percent_styles and c.get("t", "n") not in _TEXT_TYPES:
                        cells.append((int(match.group(2)) - 1, _column_index(match.group(1))))
                    c.clear()
    return found


def _column_index(letters):
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def _ods_percent_cells(z):
    """{sheet name: [(row, col), ...]} of cells an .ods stores with value-type percentage (0-based)."""
    found = {}
    with z.open("content.xml") as f:
        name, row, col = None, 0, 0
        for event, el in ElementTree.iterparse(f, events=("start", "end")):
            if event == "start":
                if el.tag == f"{_TABLE}table":
                    name, row = el.get(f"{_TABLE}name"), 0
                elif el.tag == f"{_TABLE}table-row":
                    col = 0
                continue
            if el.tag in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"):
                repeat = int(el.get(f"{_TABLE}number-columns-repeated", "1"))
                if el.get(f"{_OFFICE}value-type") == "percentage":
                    found.setdefault(name, []).extend((row, col + i) for i in range(min(repeat, 1024)))
                col += repeat
                el.clear()
            elif el.tag == f"{_TABLE}table-row":
                row += int(el.get(f"{_TABLE}number-rows-repeated", "1"))
                el.clear()
    return found


def text_of(value):
    """A cell value as the text a clerk sees: numbers without a spurious .0, dates as 2010-11-25."""
    if type(value) is str:  # by far the commonest: first
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Percent):
        return text_of(round(value * 100, 10)) + "%"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour or value.minute) else value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()
