"""The workbook as data: everything that reads or writes the dealer's workbook file.

Owns: vetting a file before it is opened (workbook), fast reading (fastexcel / calamine, sheetscan;
sheethead: the first rows from the sheet XML),
the contract of the 服务单 columns (columns, records), typed cell values (values), finding the
header and parsing the orders (parse), the 设置 sheet (settings), the policy tables (policy,
policy_sheet), the blank template and workbook copies (template, template_sheets), located issues
(issues), what a result does to a workbook (patch), one typed xlsxwriter cell (cells), atomic
outputs and safe file-name parts (files), opening the SQLite ledgers with one clear error
(ledgers), and month arithmetic for every stage (months).
No rules, no reports, no Excel. Imports nothing else of addin but the shared `clock`, `assets`
and `datadir`.
"""
