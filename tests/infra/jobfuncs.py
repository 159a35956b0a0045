"""Job functions for the tests: importable, module-level, with visible side effects."""

from pathlib import Path

from vrijstad import jobs, logs
from vrijstad.core import DomainError


def add(a: int, b: int) -> int:
    return a + b


def write_part(folder: str, index: int) -> int:
    """A side effect that must happen once per part: a line in parts.txt."""
    with open(Path(folder) / "parts.txt", "a") as out:
        out.write(f"{index}\n")
    return index


def build(folder: str, parts: int) -> dict:
    """Write each part once, report progress; fail where a fail-<i> file says so."""
    for index in range(parts):
        jobs.once(f"part-{index}", write_part, folder, index)
        jobs.set_progress((index + 1) * 100 / parts, f"part {index + 1} of {parts}")
        if (Path(folder) / f"fail-{index}").exists():
            raise DomainError(f"part {index + 1} could not be built")
    return {"url": "/reports/7", "label": "Report 7"}


def crash(folder: str) -> None:
    jobs.set_progress(40, "halfway")
    raise ZeroDivisionError("internal detail")


def remember_request_id(folder: str) -> None:
    (Path(folder) / "request_id").write_text(logs.current_request_id() or "")


def flaky(folder: str) -> str:
    """Write part 0 once, then fail on the first attempt only (as a mail server that is
    briefly away)."""
    jobs.once("part-0", write_part, folder, 0)
    tried = Path(folder) / "tried"
    if not tried.exists():
        tried.touch()
        raise ConnectionError("the server went away")
    return "/reports/8"
