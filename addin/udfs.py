"""The worksheet functions under their old name: workbooks made before the package was split
into stages name `addin.udfs` in their xlwings.conf sheet (UDF Modules). The functions live in
addin.excel.udfs."""
from addin.excel.udfs import *  # noqa: F401,F403
