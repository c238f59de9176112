"""The monthly report and the department packs.

Owns: the month's orders and table 7-28 as plain data (summary, tables, kpis), each department's
role, tables and feedback items (items), the statistics workbook and pack workbooks (statbook,
packbook, xlsxout, fastsheet, xlsxcharts, sheetpages), PNG charts for mails (charts), masking customers' data
for engineering departments (privacy), the reply ledger (replies) and the month's folder (packs).
May import addin.book and addin.rules. No mail, no Excel.
"""
