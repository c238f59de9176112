from click.testing import CliRunner

from addin.cli import main
from tests.report_data import write_workbook


def test_report_command_writes_the_month_even_with_errors(tmp_path):
    path = write_workbook(tmp_path / "服务单.xlsx")
    result = CliRunner().invoke(main, ["report", str(path), "--month", "2026-10"])
    assert result.exit_code == 0, result.output
    assert "其中校验有错误 1 张" in result.output
    folder = tmp_path / "reports" / "2026-10"
    assert (folder / "2026年10月_售后服务统计表.xlsx").is_file()
    assert len(list(folder.glob("2026年10月_售后反馈_*.xlsx"))) == 4


def test_report_command_errors_are_one_chinese_line(tmp_path):
    path = write_workbook(tmp_path / "服务单.xlsx")
    runner = CliRunner()
    bad_month = runner.invoke(main, ["report", str(path), "--month", "2026-13"])
    assert bad_month.exit_code == 2 and "month-invalid" in bad_month.output and "Traceback" not in bad_month.output
    missing = runner.invoke(main, ["report", str(tmp_path / "无.xlsx"), "--month", "2026-10"])
    assert missing.exit_code == 2 and "错误[" in missing.output
    into_own_folder = runner.invoke(main, ["report", str(path), "--month", "2026-10", "--out", str(tmp_path)])
    assert into_own_folder.exit_code == 2 and "out-contains-workbook" in into_own_folder.output
    assert path.is_file()


def test_replies_import_and_status_commands(tmp_path):
    path = write_workbook(tmp_path / "服务单.xlsx")
    runner = CliRunner()
    assert runner.invoke(main, ["report", str(path), "--month", "2026-10"]).exit_code == 0
    pack = tmp_path / "reports" / "2026-10" / "2026年10月_售后反馈_研发部.xlsx"
    result = runner.invoke(main, ["replies", "import", str(path), str(pack)])
    assert result.exit_code == 0 and "尚未填写改进措施 1 条" in result.output   # the one repeated fault
    status = runner.invoke(main, ["replies", "status", str(path), "--all"])
    assert status.exit_code == 0 and "2026-10-RD-001" in status.output
