"""Registering `aftersales send-due WORKBOOK` with the OS scheduler, and removing it again.

Windows: Task Scheduler through `schtasks /Create /XML`, a task defined by XML because only
that form has the catch-up settings (StartWhenAvailable: a run missed while the PC was off
starts as soon as it is on; IgnoreNew: never two at once) plus a daily and an at-logon
trigger; it runs as the logged-on user, whose Credential Manager holds the SMTP password.
Elsewhere: one line in the user's crontab, hourly (cron does not catch up; send-due is safe to
run every hour). Each OS action is one small function taking a `run(args, input)` callable,
so tests check the exact commands and XML without touching the real scheduler.
"""
from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str = ""
    stderr: str = ""


Runner = Callable[[list, "str | None"], Ran]


class ScheduleError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def run_command(args: list, input: str | None = None) -> Ran:
    """The real runner: run a program, capture its output (never raises for a non-zero exit)."""
    try:
        done = subprocess.run(args, input=input, capture_output=True, text=True, errors="replace", timeout=60)
    except FileNotFoundError:
        raise ScheduleError("scheduler-missing", f"找不到系统命令 {args[0]},无法登记计划任务。") from None
    return Ran(done.returncode, done.stdout, done.stderr)


@dataclass(frozen=True)
class Job:
    """What to run: `command` (program + arguments) for `workbook`, daily at `at` (HH:MM)."""

    workbook: Path
    command: tuple[str, ...]
    at: str = "09:00"

    @property
    def key(self) -> str:
        """Stable per workbook path: names the task and marks the cron line."""
        return hashlib.sha1(str(self.workbook).lower().encode("utf-8")).hexdigest()[:8]

    @property
    def task_name(self) -> str:
        return f"aftersales 自动发送 {self.workbook.stem} {self.key}"


def aftersales_program() -> str:
    """The installed `aftersales` launcher next to this Python (venv Scripts/ or bin/)."""
    folder = Path(sys.executable).parent
    for name in ("aftersales.exe", "aftersales"):
        for candidate in (folder / name, folder / "Scripts" / name):
            if candidate.exists():
                return str(candidate)
    return shutil.which("aftersales") or "aftersales"


def job_for(workbook: Path | str, at: str = "09:00", program: str | None = None) -> Job:
    workbook = Path(workbook).resolve()
    return Job(workbook, (program or aftersales_program(), "send-due", str(workbook)), at)


# ---- Windows Task Scheduler -----------------------------------------------------------------

def current_user() -> str:
    domain, user = os.environ.get("USERDOMAIN", ""), os.environ.get("USERNAME", "") or os.environ.get("USER", "")
    return f"{domain}\\{user}" if domain else user


def task_xml(job: Job, user: str) -> str:
    """The task definition (Task Scheduler schema 1.2)."""
    args = subprocess.list2cmdline(list(job.command[1:]))
    e = lambda s: escape(str(s))  # noqa: E731
    return f"""<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Description>{e(f"每天发送到期的售后反馈包:{job.workbook}")}</Description>
  </RegistrationInfo>
  <Triggers>
    <CalendarTrigger>
      <StartBoundary>2020-01-01T{e(job.at)}:00</StartBoundary>
      <Enabled>true</Enabled>
      <ScheduleByDay><DaysInterval>1</DaysInterval></ScheduleByDay>
    </CalendarTrigger>
    <LogonTrigger>
      <Enabled>true</Enabled>
      <UserId>{e(user)}</UserId>
      <Delay>PT5M</Delay>
    </LogonTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
      <UserId>{e(user)}</UserId>
      <LogonType>InteractiveToken</LogonType>
      <RunLevel>LeastPrivilege</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <StartWhenAvailable>true</StartWhenAvailable>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <RestartOnFailure><Interval>PT1H</Interval><Count>3</Count></RestartOnFailure>
    <ExecutionTimeLimit>PT1H</ExecutionTimeLimit>
    <Enabled>true</Enabled>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>{e(job.command[0])}</Command>
      <Arguments>{e(args)}</Arguments>
      <WorkingDirectory>{e(job.workbook.parent)}</WorkingDirectory>
    </Exec>
  </Actions>
</Task>
"""


def windows_install(job: Job, run: Runner, user: str | None = None) -> str:
    xml = task_xml(job, user or current_user())
    fd, name = tempfile.mkstemp(suffix=".xml")
    os.close(fd)
    try:
        Path(name).write_text(xml, encoding="utf-16")       # schtasks reads UTF-16 task files
        _check(run(["schtasks", "/Create", "/TN", job.task_name, "/XML", name, "/F"], None), "登记计划任务")
    finally:
        os.unlink(name)
    return f"已在 Windows 任务计划程序中登记任务“{job.task_name}”:\n{xml}"


def windows_show(job: Job, run: Runner) -> str:
    ran = run(["schtasks", "/Query", "/TN", job.task_name, "/XML"], None)
    return ran.stdout if ran.returncode == 0 else f"没有登记任务“{job.task_name}”。"


def windows_remove(job: Job, run: Runner) -> str:
    ran = run(["schtasks", "/Delete", "/TN", job.task_name, "/F"], None)
    return f"已删除任务“{job.task_name}”。" if ran.returncode == 0 else f"没有登记任务“{job.task_name}”。"


# ---- cron -------------------------------------------------------------------------------------

def cron_line(job: Job) -> str:
    """Hourly at a minute picked from the key (spreads several workbooks), marked with the key."""
    minute = int(job.key, 16) % 60
    command = " ".join(shlex.quote(part) for part in job.command)
    return f"{minute} * * * * cd {shlex.quote(str(job.workbook.parent))} && {command} # aftersales:{job.key}"


def _crontab(run: Runner) -> list[str]:
    ran = run(["crontab", "-l"], None)
    if ran.returncode != 0:        # "no crontab for user"
        return []
    return ran.stdout.splitlines()


def _write_crontab(run: Runner, lines: list[str]) -> None:
    _check(run(["crontab", "-"], "\n".join(lines) + "\n" if lines else ""), "写入 crontab")


def cron_install(job: Job, run: Runner) -> str:
    line = cron_line(job)
    lines = [x for x in _crontab(run) if not x.endswith(f"# aftersales:{job.key}")] + [line]
    _write_crontab(run, lines)
    return f"已在 crontab 中登记(每小时运行一次,已发送的不会重发):\n{line}"


def cron_show(job: Job, run: Runner) -> str:
    mine = [x for x in _crontab(run) if x.endswith(f"# aftersales:{job.key}")]
    return "\n".join(mine) if mine else "crontab 中没有这个工作簿的自动发送。"


def cron_remove(job: Job, run: Runner) -> str:
    lines = _crontab(run)
    kept = [x for x in lines if not x.endswith(f"# aftersales:{job.key}")]
    if kept == lines:
        return "crontab 中没有这个工作簿的自动发送。"
    _write_crontab(run, kept)
    return "已从 crontab 删除这个工作簿的自动发送。"


def _check(ran: Ran, what: str) -> None:
    if ran.returncode != 0:
        raise ScheduleError("scheduler-failed", f"{what}失败:{(ran.stderr or ran.stdout).strip()}")


ACTIONS = {
    "win32": {"install": windows_install, "show": windows_show, "remove": windows_remove},
    "other": {"install": cron_install, "show": cron_show, "remove": cron_remove},
}


def perform(action: str, job: Job, run: Runner = run_command, platform: str = sys.platform) -> str:
    """install / show / remove on this OS; returns what was done, for printing."""
    return ACTIONS["win32" if platform == "win32" else "other"][action](job, run)
