#!/usr/bin/env python3
"""Writes what must agree with seatbook-server's --help from its --help, so none of it can drift.

Usage: server-help.py SERVER (conf|completion|man-include) OUTPUT

  conf         the shipped /etc/seatbook/seatbook-server.conf: every setting the [server] group
               takes, commented out, with its --help text and default
  completion   the bash completion of the subcommands and their options
  man-include  a help2man --include file: one section per subcommand with its options

The options of each subcommand are read from `SERVER [COMMAND] --help`; the subcommands from the
"Commands:" paragraph of `SERVER --help`.
"""

import re
import subprocess
import sys
import textwrap

# Options of the command line that the config file does not take (the server rejects them there).
COMMAND_LINE_ONLY = {"config", "port-file", "help", "help-all"}

OPTION_LINE = re.compile(
    r"^\s+(?:-(?P<short>\w), )?--(?P<long>[a-z0-9-]+)(?:=(?P<arg>\S+))?\s{2,}(?P<text>\S.*)$"
)
COMMAND_LINE = re.compile(r"^  (?P<name>[a-z][a-z-]*)\s{2,}(?P<text>\S.*)$")


def run_help(server, command=None):
    args = [server] + ([command] if command else []) + ["--help"]
    # The packaged /etc file must not change what --help says; LC_ALL=C keeps it in English.
    env = {"LC_ALL": "C", "PATH": "/usr/bin:/bin"}
    return subprocess.run(args, check=True, capture_output=True, text=True, env=env).stdout


def parse_options(help_text):
    """The options of the "Application Options:" section, in order."""
    options = []
    in_section = False
    for line in help_text.splitlines():
        if line.endswith("Options:"):
            in_section = line.strip() == "Application Options:"
            continue
        match = OPTION_LINE.match(line) if in_section else None
        if match:
            options.append(match.groupdict())
    return options


def parse_commands(help_text):
    """The subcommands named in the "Commands:" paragraph, except "(none)"."""
    commands = []
    in_section = False
    for line in help_text.splitlines():
        if line == "Commands:":
            in_section = True
            continue
        if in_section and not line.strip():
            break
        match = COMMAND_LINE.match(line) if in_section else None
        if match:
            commands.append(match.group("name"))
    return commands


def default_of(text):
    """The default a description states, when it is a literal value the file accepts."""
    match = re.search(r"(?:\(|, )default ([0-9][0-9.:]*)[;,)]", text) or re.search(
        r"(?:^|\s)([a-z]+) \(default\)", text
    )
    return match.group(1) if match else ""


def write_conf(server, out):
    out.write(
        "# /etc/seatbook/seatbook-server.conf: the settings of seatbook-server.\n"
        "#\n"
        "# seatbook-server reads this file when it starts (also as seatbook-server.service),\n"
        "# unless --config names another one. Options given on the command line win over it.\n"
        "# Every setting is shown commented out with its default; remove the '#' to change it.\n"
        "# Written from `seatbook-server --help` when the package was built; see\n"
        "# seatbook-server(1) and operations.md (package seatbook-doc).\n"
        "\n"
        "[server]\n"
    )
    for option in parse_options(run_help(server)):
        if option["long"] in COMMAND_LINE_ONLY:
            continue
        out.write("\n")
        for line in textwrap.wrap(option["text"], width=96):
            out.write(f"# {line}\n")
        out.write(f"#{option['long']}={default_of(option['text'])}\n")


def write_completion(server, out):
    commands = parse_commands(run_help(server))
    words = {"": parse_options(run_help(server))}
    for command in commands:
        words[command] = parse_options(run_help(server, command))
    out.write(
        "# bash completion for seatbook-server, written from its --help at build time.\n"
        "_seatbook_server()\n"
        "{\n"
        "    local cur prev words cword split\n"
        "    _init_completion -s || return\n"
        "\n"
        "    local command=\n"
        "    if [[ $cword -gt 1 && ${words[1]} != -* ]]; then\n"
        "        command=${words[1]}\n"
        "    fi\n"
        "\n"
        "    case $prev in\n"
        "        --config | -c | --venue | --port-file)\n"
        "            _filedir\n"
        "            return\n"
        "            ;;\n"
        "        --log-level)\n"
        '            COMPREPLY=($(compgen -W "error critical warning message info debug" -- "$cur"))\n'
        "            return\n"
        "            ;;\n"
        "    esac\n"
        "    $split && return\n"
        "\n"
        "    local options\n"
        "    case $command in\n"
    )
    for command, options in words.items():
        flags = " ".join(
            f"--{o['long']}" + ("=" if o["arg"] else "") for o in options
        )
        label = command or '""'
        out.write(f'        {label}) options="--help {flags}" ;;\n')
    out.write(
        "        *) return ;;\n"
        "    esac\n"
        "\n"
        "    if [[ -z $command && $cword -eq 1 && $cur != -* ]]; then\n"
        f'        COMPREPLY=($(compgen -W "{" ".join(commands)}" -- "$cur"))\n'
        "        return\n"
        "    fi\n"
        '    COMPREPLY=($(compgen -W "$options" -- "$cur"))\n'
        "    [[ ${COMPREPLY-} == *= ]] && compopt -o nospace\n"
        "} &&\n"
        "    complete -F _seatbook_server seatbook-server\n"
    )


def roff(text):
    return text.replace("\\", "\\e").replace("-", "\\-")


def write_man_include(server, out):
    out.write("[COMMANDS]\n")
    out.write(
        "Without a command, or with \\fBserve\\fR, the server serves every event of the store "
        "with the options listed above.\n"
    )
    for command in parse_commands(run_help(server)):
        help_text = run_help(server, command)
        out.write(f'.SS "{command}"\n')
        # The paragraph after "Usage:" is the summary, when there is one.
        paragraphs = help_text.split("\n\n")
        usage = paragraphs[0].splitlines()[-1].split(" - ", 1)
        out.write(f"\\fBseatbook\\-server {roff(command)}\\fR [\\fIOPTION\\fR...]\n.br\n")
        if len(usage) == 2:
            out.write(roff(usage[1].strip()) + ".\n")
        if len(paragraphs) > 1 and not paragraphs[1].startswith("Help Options:"):
            out.write(".PP\n" + roff(" ".join(paragraphs[1].split())) + "\n")
        for option in parse_options(help_text):
            out.write(".TP\n")
            name = f"\\fB\\-\\-{roff(option['long'])}\\fR"
            if option["short"]:
                name = f"\\fB\\-{option['short']}\\fR, " + name
            if option["arg"]:
                name += f"=\\fI{roff(option['arg'])}\\fR"
            out.write(name + "\n" + roff(option["text"]) + "\n")


def main():
    server, what, output = sys.argv[1:4]
    writers = {"conf": write_conf, "completion": write_completion, "man-include": write_man_include}
    with open(output, "w", encoding="utf-8") as out:
        writers[what](server, out)


if __name__ == "__main__":
    main()
