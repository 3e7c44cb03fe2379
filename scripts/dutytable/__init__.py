"""dutytable: the monthly cycle of a 目标任务责任分解表.

Stages, one module each: importer and master (the responsibility table) → forms (one fill-in
workbook per recipient) → inbox and ledger (collecting returns) → consolidate (the
merged workbook) → report (the Word 附件) → scheduling (the monthly run).
"""

__version__ = "0.1.0"
