"""Package data: the jinja2 templates of the mails and reports (mapped to addin.templates at build time)."""
