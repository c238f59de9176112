"""The clerk's day: the printed three-part service order (表7-27) and today's work lists.

Owns:

    form     what one printed service order says: the order's fields, the 三包 verdict and
             the fee lines exactly as the fee engine gives them; blank forms' numbers
    formpdf  drawing the forms as PDF pages with fpdf2 and the charts' CJK font (embedded)
    lists    today's work lists (open visits, units away, 回访 due, complaints) and the
             今日工作 sheet as a Patch

A stage between report and mail. May import addin.book, addin.rules and addin.report; never
mail, demo, excel or cli. "Now" is addin.clock's.
"""
