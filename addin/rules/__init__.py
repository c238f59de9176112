"""The rules and the money: checks of the order sheet, 三包 verdicts, fees, the factory claim and
service-promise timings, computed on whole columns (frames in, frames and issues out).

Owns: checks (every rule of the sheet → Issues; flags fills their messages column by column),
warranty (verdicts and their rule text), fees
(+ fees_text, fees_summary), money (integer fen, half-up), textarrays (per-row text built fast),
results (a run's whole result as one Patch) and loader (read a workbook with addin.book, then
run every check: the one entry point of the CLI, the buttons and the demo).
May import addin.book. Pure: no Excel, no mail, no files written.
"""
