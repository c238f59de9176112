"""addin.mail.schedule: the exact schtasks commands, task XML and crontab lines, with a recording
runner standing in for the OS (the real crontab and Task Scheduler are never touched)."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from addin.cli import schedule as cmd_schedule

from addin.mail import schedule
from addin.mail.schedule import Job, Ran, ScheduleError, cron_line, job_for, perform, task_xml

NS = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}


class Recorder:
    """Plays the OS: records each command; keeps a crontab; reads the XML file schtasks gets."""

    def __init__(self, crontab: str | None = None, fail: bool = False):
        self.calls, self.crontab, self.xml, self.fail = [], crontab, None, fail

    def __call__(self, args, input=None):
        self.calls.append((list(args), input))
        if self.fail:
            return Ran(1, "", "ERROR: Access is denied.")
        if args[0] == "schtasks" and "/XML" in args and "/Create" in args:
            self.xml = Path(args[args.index("/XML") + 1]).read_bytes()
        if args == ["crontab", "-l"]:
            return Ran(0, self.crontab) if self.crontab is not None else Ran(1, "", "no crontab for user")
        if args == ["crontab", "-"]:
            self.crontab = input
        return Ran(0, "<Task/>")


@pytest.fixture
def job(tmp_path) -> Job:
    wb = tmp_path / "售后 服务单.xlsx"
    wb.write_bytes(b"x")
    return job_for(wb, "08:30", program=r"C:\Program Files\aftersales\Scripts\aftersales.exe")


def test_windows_install__exact_command_and_task_xml(job):
    run = Recorder()
    text = schedule.windows_install(job, run, user="SHOP\\前台")
    (args, _), = run.calls
    assert args[:5] == ["schtasks", "/Create", "/TN", job.task_name, "/XML"] and args[6:] == ["/F"]
    assert args[5].endswith(".xml") and not Path(args[5]).exists()     # the temp XML is cleaned up
    assert run.xml.startswith(b"\xff\xfe")                       # UTF-16 with BOM, as schtasks wants
    root = ET.fromstring(run.xml.decode("utf-16"))
    get = lambda path: root.find(path, NS).text  # noqa: E731
    assert get("t:Settings/t:StartWhenAvailable") == "true"
    assert get("t:Settings/t:MultipleInstancesPolicy") == "IgnoreNew"
    assert get("t:Triggers/t:CalendarTrigger/t:ScheduleByDay/t:DaysInterval") == "1"
    assert get("t:Triggers/t:CalendarTrigger/t:StartBoundary").endswith("T08:30:00")
    assert get("t:Triggers/t:LogonTrigger/t:UserId") == "SHOP\\前台"
    assert get("t:Principals/t:Principal/t:LogonType") == "InteractiveToken"
    assert get("t:Actions/t:Exec/t:Command") == r"C:\Program Files\aftersales\Scripts\aftersales.exe"
    assert get("t:Actions/t:Exec/t:Arguments") == f'send-due "{job.workbook}"'
    assert get("t:Actions/t:Exec/t:WorkingDirectory") == str(job.workbook.parent)
    assert job.task_name in text and "<StartWhenAvailable>true" in text     # prints what it registered


def test_windows_show_and_remove(job):
    run = Recorder()
    assert perform("show", job, run, "win32") == "<Task/>"
    assert "已删除" in perform("remove", job, run, "win32")
    assert [a for a, _ in run.calls] == [["schtasks", "/Query", "/TN", job.task_name, "/XML"],
                                         ["schtasks", "/Delete", "/TN", job.task_name, "/F"]]


def test_windows_install__failure_is_one_message(job):
    with pytest.raises(ScheduleError) as err:
        perform("install", job, Recorder(fail=True), "win32")
    assert "Access is denied" in err.value.message


def test_cron_install__appends_once_keeps_other_lines(job):
    run = Recorder(crontab="MAILTO=\"\"\n0 3 * * * backup.sh\n")
    text = perform("install", job, run, "linux")
    perform("install", job, run, "linux")                      # again: replaced, not doubled
    lines = run.crontab.splitlines()
    assert lines[:2] == ['MAILTO=""', "0 3 * * * backup.sh"] and len(lines) == 3
    assert lines[2] == cron_line(job) and cron_line(job) in text
    assert lines[2].split()[1:5] == ["*", "*", "*", "*"]       # hourly
    assert "send-due '" + str(job.workbook) + "'" in lines[2] and lines[2].endswith(f"# aftersales:{job.key}")
    assert perform("show", job, run, "linux") == cron_line(job)
    perform("remove", job, run, "linux")
    assert run.crontab.splitlines() == ['MAILTO=""', "0 3 * * * backup.sh"]


def test_cron__no_crontab_yet(job):
    run = Recorder(crontab=None)
    assert "没有" in perform("show", job, run, "linux")
    perform("install", job, run, "linux")
    assert run.crontab == cron_line(job) + "\n"


def test_job__key_stable_per_workbook(tmp_path):
    a, b = job_for(tmp_path / "a.xlsx"), job_for(tmp_path / "b.xlsx")
    assert a.key == job_for(tmp_path / "a.xlsx").key != b.key
    assert a.command[1:] == ("send-due", str((tmp_path / "a.xlsx").resolve()))
    assert "&" not in task_xml(Job(tmp_path / "R&D.xlsx", ("x.exe", "send-due", "R&D.xlsx")), "u").replace("&amp;", "")


def test_cli__install_prints_what_it_registered(job, monkeypatch):
    run = Recorder(crontab="")
    monkeypatch.setattr(schedule, "run_command", run)
    monkeypatch.setattr(cmd_schedule, "perform", lambda action, j: perform(action, j, run, "linux"))
    result = CliRunner().invoke(cmd_schedule.command, ["install", str(job.workbook), "--at", "07:00"])
    assert result.exit_code == 0, result.output
    assert "send-due" in result.output and run.crontab.strip() in result.output
    bad = CliRunner().invoke(cmd_schedule.command, ["install", str(job.workbook), "--at", "7点"])
    assert bad.exit_code == 4 and "09:00" in bad.output
