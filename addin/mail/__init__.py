"""Mail: sending each department its pack once and only once.

Owns: message building and the SMTP hand-over or .eml file (mailer; the only module that talks
SMTP), the outbox ledger (outbox, SQLite), delivering a month against it (dispatch), the one
entry point that picks the transport (sending), which months are due (due) and the OS scheduler
entry of the daily run (schedule).
May import addin.book, addin.rules, addin.report and addin.day. No Excel.
"""
