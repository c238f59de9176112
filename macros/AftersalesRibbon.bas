Attribute VB_Name = "AftersalesRibbon"
' Callbacks of the ribbon tab of the aftersales add-in (macros/ribbon.xml).
' Every button's tag names a handler in the Python module addin.excel.ribbon; one callback runs it
' through xlwings' RunPython, so a new button needs no new VBA. Keep this file ASCII: the
' VBA project is written in code page 1252, the Chinese labels live in the ribbon XML.
Option Explicit

Sub RunButton(control As IRibbonControl)
    ' e.g. tag "check" runs addin.excel.ribbon.check() on the active workbook
    RunPython "import addin.excel.ribbon; addin.excel.ribbon." & control.Tag & "()"
End Sub

Sub ImportFunctions(control As IRibbonControl)
    ' Registers the worksheet functions of the "UDF Modules" config entry (addin.excel.udfs)
    ImportPythonUDFsToAddin
End Sub
