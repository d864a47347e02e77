import os

from prunetop.commands import Command, CommandError, CommandFile


def append(path, text):
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


def test_whole_lines_are_read_and_a_half_written_one_waits_for_its_newline(tmp_path):
    path = str(tmp_path / "run.jsonl.commands")
    reader = CommandFile(path)
    assert reader.poll() == []
    append(path, '{"id": 1, "command": "pause"}\n{"id": 2, "command": "set_tar')
    assert reader.poll() == [Command(1, "pause")]
    assert reader.poll() == []
    append(path, 'get", "value": 0.95}\n')
    assert reader.poll() == [Command(2, "set_target", 0.95)]


def test_a_bad_line_is_an_error_naming_the_file_the_line_and_the_key(tmp_path):
    path = str(tmp_path / "c")
    reader = CommandFile(path)
    append(path, '{"id": 1, "command": "jump"}\nnot json\n{"id": "x", "command": "pause"}\n{"id": 4, "command": "set_lr"}\n')
    results = reader.poll()
    assert results[0] == CommandError(1, f"{path}:1: command: expected one of pause, resume, set_target, set_lr, found \"jump\"")
    assert isinstance(results[1], CommandError) and results[1].message.startswith(f"{path}:2: expected one JSON object per line")
    assert results[2] == CommandError(None, f"{path}:3: id: expected an integer >= 0, found \"x\"")
    assert results[3] == CommandError(4, f"{path}:4: value: expected a finite number for set_lr, found null")


def test_commands_sent_before_the_run_started_are_skipped_and_a_replaced_file_is_read_from_its_start(tmp_path):
    path = str(tmp_path / "c")
    append(path, '{"id": 1, "command": "pause"}\n')
    reader = CommandFile(path, from_end=True)
    assert reader.poll() == []
    append(path, '{"id": 2, "command": "resume"}\n')
    assert reader.poll() == [Command(2, "resume")]
    os.remove(path)
    append(path, '{"id": 7, "command": "set_lr", "value": 0.01}\n')
    assert reader.poll() == [Command(7, "set_lr", 0.01)]
