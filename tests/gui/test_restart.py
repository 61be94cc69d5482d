#!/usr/bin/python3
"""Starting the app again right after quitting it opens a window (issue 12, item 11).

The app is unique (no --new-instance here): a second start finds the first on the session bus.
GApplication, when it is freed, unexports the app's actions at once but gives up the bus name
only asynchronously, or at exit: a start in between found the name taken, asked the dying instance
for its actions and failed with `GDBus.Error:org.freedesktop.DBus.Error.UnknownInterface: No such
interface "org.gtk.Actions"`. Quitting now gives the name up first.

Each round quits with a real Ctrl+Q (XTest) or SIGTERM, then starts the app again after 0 to 0.5 s,
and requires a window on the accessibility bus and no D-Bus error from the new start."""
import os
import subprocess
import sys
import tempfile
import time

import sbgui
from sbgui import Pointer, Server, wait_for

DELAYS = [0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5]


def start(url, log):
    return subprocess.Popen([sbgui.APP, "--server", url], stdout=log, stderr=subprocess.STDOUT,
                            env=sbgui.app_environment())


def frame_of(pid):
    for app in sbgui.tree.root.applications():
        try:
            if app.get_process_id() == pid:
                return next((c for c in app.children if c.roleName == "frame"), None)
        except Exception:
            continue
    return None


# Deadlines only stop hangs: a sanitized app on a loaded machine took over 30 s to show its window.
WINDOW_DEADLINE = 90


class Instance:
    """Enough of sbgui.App for a Pointer: the process and its frame."""

    def __init__(self, process):
        self.process = process
        self.frame = wait_for("the window of pid %d" % process.pid, lambda: frame_of(process.pid),
                              timeout=WINDOW_DEADLINE)


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test():
    server = Server().start()
    failures = []
    logs = tempfile.mkdtemp(prefix="seatbook-restart-")
    try:
        log = open(os.path.join(logs, "first.log"), "w+")
        first = start(server.url, log)
        for round, delay in enumerate(DELAYS):
            instance = Instance(first)
            if round % 2 == 0:
                pointer = Pointer(instance)
                x0, y0 = pointer.origin()
                pointer.move(x0 + 400, y0 + 14)
                wait_for("the window to be active",
                         lambda: instance.frame.getState().contains(sbgui.pyatspi.STATE_ACTIVE))
                pointer.tap("q", ctrl=True)
                how = "Ctrl+Q"
            else:
                first.terminate()
                how = "SIGTERM"
            # "Quit" is when the window goes away: a start before that merely activates an app
            # that has not read the Ctrl+Q yet (a sanitized app may take seconds to), which then
            # quits as asked. The process itself may still be exiting: that gap is the bug.
            wait_for("the window of pid %d to go after %s" % (first.pid, how),
                     lambda: first.poll() is not None or frame_of(first.pid) is None,
                     timeout=WINDOW_DEADLINE)
            time.sleep(delay)
            again_log = open(os.path.join(logs, "round-%d.log" % round), "w+")
            again = start(server.url, again_log)
            # The new start either becomes the app or hands over to a running one; either way a
            # window shows, and the new start says nothing about D-Bus.
            window_pid = wait_for("a window after quitting with %s and starting %.2f s later" % (how, delay),
                                  lambda: next((p.pid for p in (again, first)
                                                if p.poll() is None and frame_of(p.pid)), None),
                                  timeout=WINDOW_DEADLINE)
            if again.poll() is not None and again.returncode != 0:
                failures.append("round %d: the new start exited with %d" % (round, again.returncode))
            again_log.seek(0)
            output = again_log.read()
            if "GDBus.Error" in output or "org.gtk.Actions" in output:
                failures.append("round %d (%s, %.2f s): %s" % (round, how, delay, output.strip()))
            print("round %d: quit with %s, started again %.2f s later: window of %s, %s" % (
                round, how, delay, "the new start" if window_pid == again.pid else "the old one",
                "D-Bus error" if "GDBus" in output else "no error"))
            # The one with the window goes on to the next round; the other must be gone.
            if window_pid == again.pid:
                try:
                    first.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    failures.append("round %d: the first instance did not exit" % round)
                    first.kill()
                first = again
            else:
                stop(again)
        sbgui.screenshot("restart")
        stop(first)
    finally:
        server.cleanup()
    if failures:
        raise sbgui.TestFailure("; ".join(failures))


if __name__ == "__main__":
    sys.exit(sbgui.run(test))
