"""aftersales: the after-sales service add-in for Excel.

The package is a pipeline of stages, one subpackage each; a stage imports only the stages
above it in this list (down the pipeline), never one below:

    book/    the workbook as data: vetting and fast reading, header and synonyms, typed columns,
             settings and policy sheets, the template writer, patches, safe output files
    rules/   checks, 三包 verdicts, fees, claims, promise timings, money; `loader` = read + check
    report/  month tables, KPIs, department packs, charts, xlsx writers, privacy, reply ledger
    day/     the clerk's day: the printed three-part service order (PDF), today's work lists
    mail/    message building, SMTP, the outbox ledger, due months, the OS scheduler
    demo/    the built-in demo world
    excel/   ribbon handlers, the live book, worksheet functions, the .xlam builder (xlwings)
    cli/     one thin module per command

Beside them, used by every stage: `assets` (package data: templates/, macros/), `datadir`
(the user's data folder: the shared outbox ledger).
Nothing does work at import time: Excel imports the package on every click.
"""

__version__ = "0.1.0"
