"""The command file beside a run log: what `prunetop watch` asks the run to do.

One JSON object per line, appended by prunetop, never rewritten:

    {"id": 1, "command": "pause"}
    {"id": 2, "command": "resume"}
    {"id": 3, "command": "set_target", "value": 0.95}
    {"id": 4, "command": "set_lr", "value": 0.05}

`CommandFile.poll()` is called between steps: one stat, and a read of the bytes added since
the last call. A last line without its newline yet is left for the next poll. A file that
shrank or was replaced is read again from its start. A line that is not such an object is
returned as a `CommandError` naming the file, the line and what was expected, so the run can
refuse it in the log instead of ignoring it.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from typing import List, Optional, Union

COMMANDS = ("pause", "resume", "set_target", "set_lr")
VALUED = ("set_target", "set_lr")


@dataclass(frozen=True)
class Command:
    id: int
    command: str
    value: Optional[float] = None


@dataclass(frozen=True)
class CommandError:
    """A line that is not a command; `id` when the line had a usable one."""
    id: Optional[int]
    message: str


def parse_command(text: str, where: str) -> Union[Command, CommandError]:
    try:
        obj = json.loads(text)
    except ValueError as error:
        return CommandError(None, f"{where}: expected one JSON object per line ({error.msg})")
    if not isinstance(obj, dict):
        return CommandError(None, f"{where}: expected a JSON object, found {type(obj).__name__}")
    command_id = obj.get("id")
    if not isinstance(command_id, int) or isinstance(command_id, bool) or command_id < 0:
        return CommandError(None, f"{where}: id: expected an integer >= 0, found {json.dumps(command_id)}")
    name = obj.get("command")
    if name not in COMMANDS:
        return CommandError(command_id, f"{where}: command: expected one of {', '.join(COMMANDS)}, found {json.dumps(name)}")
    value = obj.get("value")
    if name in VALUED:
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            return CommandError(command_id, f"{where}: value: expected a finite number for {name}, found {json.dumps(value)}")
        return Command(command_id, name, float(value))
    return Command(command_id, name)


class CommandFile:
    def __init__(self, path: str, from_end: bool = True):
        """Reads `path` (which need not exist yet); with `from_end`, commands already in it
        (sent to an earlier run) are skipped."""
        self.path = path
        self.offset = 0
        self.line = 0
        self.identity = None
        if from_end:
            try:
                status = os.stat(path)
            except FileNotFoundError:
                return
            with open(path, "rb") as handle:
                data = handle.read()
            complete = data.rfind(b"\n") + 1
            self.offset = complete
            self.line = data[:complete].count(b"\n")
            self.identity = (status.st_dev, status.st_ino)

    def poll(self) -> List[Union[Command, CommandError]]:
        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            return []
        identity = (status.st_dev, status.st_ino)
        if identity != self.identity or status.st_size < self.offset:
            self.identity = identity
            self.offset = 0
            self.line = 0
        if status.st_size == self.offset:
            return []
        with open(self.path, "rb") as handle:
            handle.seek(self.offset)
            data = handle.read(status.st_size - self.offset)
        complete = data.rfind(b"\n") + 1
        if complete == 0:
            return []
        self.offset += complete
        results: List[Union[Command, CommandError]] = []
        for raw in data[:complete].split(b"\n")[:-1]:
            self.line += 1
            if not raw.strip():
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                results.append(CommandError(None, f"{self.path}:{self.line}: expected UTF-8 text"))
                continue
            results.append(parse_command(text, f"{self.path}:{self.line}"))
        return results
