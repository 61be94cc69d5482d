#!/usr/bin/python3
"""Start-up of the desktop app, end to end (issue 12, item 12): from exec of the real `seatbook`
to the end of the first frame that shows the whole 5,610-seat arena, against a real
seatbook-server. Not a test: it prints figures and asserts nothing about speed.

Each run execs the app with a fresh in-memory GSettings (GSETTINGS_BACKEND=memory: default window
size, no remembered event), `--new-instance --server URL --event arena`, and
SEATBOOK_TRACE_STARTUP=1, which makes the app print one line at the frame clock's after-paint of
the first frame after the event's snapshot was received and shown (gui/sb-startup-trace.c), with
CLOCK_MONOTONIC, the clock read here just before exec. The app then quits (SIGTERM) and the next run
starts. The app also prints its CPU time (all threads) at that frame, a figure a loaded machine
disturbs less than the wall-clock time. The first run also pays for the disk cache and the accessibility bus being activated; it is
printed apart and counted in the median and the max like the others.

Run under Xvfb and a private session bus, as a desktop would have one:

    xvfb-run -a -s "-screen 0 1400x900x24" dbus-run-session -- \\
        /usr/bin/python3 bench/startup/bench-startup.py --build build --runs 15

--check takes a screenshot after the first run (ImageMagick `import`) to look at what was
timed."""

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
TRACE = re.compile(r"^seatbook-trace: (\S+)((?: \S+=\S+)*) (\d+)$")


def start_server(build, workdir):
    server = os.path.join(build, "server", "seatbook-server")
    store = "sqlite:" + os.path.join(workdir, "bench.db")
    subprocess.run([server, "create-event", "--store=" + store,
                    "--venue=" + os.path.join(SOURCE, "data", "venues", "arena.json"),
                    "--id=arena", "--name=Arena Night"], check=True, stdout=subprocess.DEVNULL)
    port_file = os.path.join(workdir, "port")
    log = open(os.path.join(workdir, "server.log"), "w")
    process = subprocess.Popen([server, "--listen", "127.0.0.1", "--port", "0", "--port-file",
                                port_file, "--store", store, "--accounts", "off"],
                               stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while not (os.path.exists(port_file) and open(port_file).read().strip()):
        if time.monotonic() > deadline or process.poll() is not None:
            raise SystemExit("the server did not start (see %s)" % log.name)
        time.sleep(0.05)
    return process, "ws://127.0.0.1:%s/ws" % open(port_file).read().strip()


def one_run(app, url, env, timeout):
    """Seconds from exec to the map's first frame, the app's CPU seconds (all its threads) until
    then, and the marks {name: seconds since exec}."""
    start = time.monotonic_ns() // 1000
    process = subprocess.Popen([app, "--new-instance", "--server", url, "--event", "arena"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True)
    marks = {}
    seats = None
    # A hang ends the run (and the benchmark) instead of blocking on the pipe.
    watchdog = threading.Timer(timeout, process.kill)
    watchdog.start()
    try:
        for line in process.stderr:
            match = TRACE.match(line.strip())
            if match is None:
                sys.stderr.write(line)
                continue
            marks[match.group(1)] = (int(match.group(3)) - start) / 1e6
            if match.group(1) == "map-drawn":
                fields = dict(f.split("=", 1) for f in match.group(2).split())
                seats = fields.get("seats")
                cpu = int(fields.get("cpu-us", 0)) / 1e6
                break
        if "map-drawn" not in marks:
            raise SystemExit("the app never drew the map (marks: %r)" % marks)
        if seats != "5610":
            raise SystemExit("the map drawn had %s, not the arena's 5,610 seats" % seats)
        return marks["map-drawn"], cpu, marks
    finally:
        watchdog.cancel()
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", default=os.path.join(SOURCE, "build"))
    parser.add_argument("--app", help="the seatbook binary (default: BUILD/gui/seatbook)")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--check", metavar="PNG", help="screenshot of the first run's window")
    args = parser.parse_args()
    if not os.environ.get("DISPLAY"):
        raise SystemExit("no DISPLAY: run under xvfb-run (see --help)")
    build = os.path.abspath(args.build)
    app = args.app or os.path.join(build, "gui", "seatbook")

    env = dict(os.environ)
    for name in ("WAYLAND_DISPLAY", "GTK_A11Y"):
        env.pop(name, None)
    env.update({"GDK_BACKEND": "x11", "GSETTINGS_BACKEND": "memory",
                "GSETTINGS_SCHEMA_DIR": os.path.join(build, "data"),
                "SEATBOOK_TRACE_STARTUP": "1", "LANGUAGE": "en", "LC_ALL": "C.UTF-8"})

    workdir = tempfile.mkdtemp(prefix="seatbook-bench-startup-")
    server, url = start_server(build, workdir)
    times = []
    cpus = []
    try:
        for i in range(args.runs):
            seconds, cpu, marks = one_run(app, url, env, args.timeout)
            times.append(seconds)
            cpus.append(cpu)
            print("run %2d: %4.0f ms, CPU %4.0f ms  (%s)" % (i + 1, seconds * 1000, cpu * 1000, ", ".join(
                "%s %.0f" % (name, value * 1000) for name, value in marks.items())), flush=True)
            if i == 0 and args.check:
                # Once more, left on screen for the screenshot.
                process = subprocess.Popen([app, "--new-instance", "--server", url, "--event",
                                            "arena"], env=env, stderr=subprocess.PIPE, text=True)
                for line in process.stderr:
                    if line.startswith("seatbook-trace: map-drawn"):
                        break
                subprocess.run(["import", "-window", "root", args.check], check=False)
                process.terminate()
                process.wait(timeout=30)
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    print("exec → arena drawn, %d runs: median %.0f ms, max %.0f ms, min %.0f ms, first %.0f ms; "
          "app CPU median %.0f ms, max %.0f ms; load average after: %s" % (
              len(times), statistics.median(times) * 1000, max(times) * 1000, min(times) * 1000,
              times[0] * 1000, statistics.median(cpus) * 1000, max(cpus) * 1000, load))


if __name__ == "__main__":
    main()
