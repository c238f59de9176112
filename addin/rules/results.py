"""The whole result of a run as one Patch: check marks, the 校验结果 sheet and, when the fees
were computed, the tool's computed columns. Used by the annotated copies and the demo."""
from __future__ import annotations

from addin.book.patch import Patch, check_patch


def result_patch(wb, fees=None) -> Patch:
    """Marks + 校验结果 for `wb` (a loader.Loaded); plus computed columns from `fees`
    (the frame of addin.rules.fees.compute) when given."""
    patch = check_patch(wb.orders.sheet, wb.orders.header_row, wb.issues)
    if fees is not None:
        from addin.rules.fees_summary import computed_columns

        patch.values = {h: {int(r): v for r, v in s.items() if v is not None}
                        for h, s in computed_columns(fees).items()}
    return patch
