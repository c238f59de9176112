"""Package data: the ribbon XML and VBA source of the Excel add-in (mapped to addin.macros at build time)."""
