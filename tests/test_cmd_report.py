from click.testing import CliRunner

from addin.cli import main
from tests.report_data import NOW, write_workbook


def test_report_command_writes_the_month_even_with_errors(tmp_path, at):
    at(NOW)                                  # October closed, nothing in it in the future
    path = write_workbook(tmp_path / "服务单.xlsx")
    result = CliRunner().invoke(main, ["report", str(path), "--month", "2026-10"])
    assert result.exit_code == 0, result.output
    assert "其中校验有错误 1 张" in result.output
    folder = tmp_path / "reports" / "2026-10"
    assert (folder / "2026年10月_售后服务统计表.xlsx").is_file()
    assert len(list(folder.glob("2026年10月_售后反馈_*.xlsx"))) == 4


def test_report_command_errors_are_one_chinese_line(tmp_path, at):
    at(NOW)                                  # October closed, nothing in it in the future
    path = write_workbook(tmp_path / "服务单.xlsx")
    runner = CliRunner()
    bad_month = runner.invoke(main, ["report", str(path), "--month", "2026-13"])
    assert bad_month.exit_code == 4 and "month-invalid" in bad_month.output and "Traceback" not in bad_month.output
    missing = runner.invoke(main, ["report", str(tmp_path / "无.xlsx"), "--month", "2026-10"])
    assert missing.exit_code == 2 and "错误[" in missing.output
    into_own_folder = runner.invoke(main, ["report", str(path), "--month", "2026-10", "--out", str(tmp_path)])
    assert into_own_folder.exit_code == 2 and "out-contains-workbook" in into_own_folder.output
    assert path.is_file()


def test_replies_import_and_status_commands(tmp_path, at):
    at(NOW)                                  # October closed, nothing in it in the future
    path = write_workbook(tmp_path / "服务单.xlsx")
    runner = CliRunner()
    assert runner.invoke(main, ["report", str(path), "--month", "2026-10"]).exit_code == 0
    pack = tmp_path / "reports" / "2026-10" / "2026年10月_售后反馈_研发部.xlsx"
    result = runner.invoke(main, ["replies", "import", str(path), str(pack)])
    assert result.exit_code == 0 and "尚未填写改进措施 1 条" in result.output   # the one repeated fault
    status = runner.invoke(main, ["replies", "status", str(path), "--all"])
    assert status.exit_code == 0 and "2026-10-RD-001" in status.output
    # the pack went out on 2026-11-05 (send day 5); replies are due 30 days later, on 2026-12-05
    assert "逾期未回复 0 条" in runner.invoke(main, ["replies", "status", str(path)]).output
    on_the_day = runner.invoke(main, ["--today", "2026-12-05", "replies", "status", str(path)])
    assert "逾期未回复 0 条" in on_the_day.output
    late = runner.invoke(main, ["--today", "2026-12-06", "replies", "status", str(path)])
    # 6 items, worked by hand: 售后服务部 3 (late visits FW002 县城 22 h > 12 h and FW005 省会 6 h > 4 h,
    # FW002 不满意); 质量部 and 生产部 1 each (batch KFR-35GW 2026-01: FW001, FW002, FW005 ≥ 3);
    # 研发部 1 (压缩机不启动 twice on KFR-35GW)
    assert "共 6 条反馈事项" in late.output and "逾期未回复 6 条" in late.output
    assert "期限 2026-12-05" in late.output


def test_report_command_a_fault_is_logged_not_hidden(tmp_path, monkeypatch):
    """A fault while building the report is a fault of the program: exit 3, its traceback in the log."""
    import addin.report.packs

    def broken(*args, **kwargs):
        raise KeyError("部门")
    monkeypatch.setattr(addin.report.packs, "build_month", broken)
    monkeypatch.setenv("AFTERSALES_LOG_DIR", str(tmp_path / "日志"))
    result = CliRunner().invoke(main, ["report", str(write_workbook(tmp_path / "服务单.xlsx")), "--month", "2026-10"])
    assert result.exit_code == 3 and "错误[internal]" in result.output and "Traceback" not in result.output
    assert "in broken" in (tmp_path / "日志" / "aftersales-错误日志.txt").read_text(encoding="utf-8")
