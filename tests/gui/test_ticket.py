#!/usr/bin/python3
"""A desk books two seats and prints the ticket as a person does: "Print Ticket…" in the booking
dialog, the system's print dialog, "Print to File" as a PDF, Print. The PDF must name the event,
the seats, the total and the reference, and its QR code must read back as the reference
(pdftotext, pdftoppm and zbarimg, as a customer's phone would). The print dialog is GTK's own;
it is driven through its accessible buttons and with real key presses."""
import os
import shutil
import subprocess
import tempfile

import sbgui
from sbgui import Server, wait_for

pyatspi = sbgui.pyatspi


def print_dialog(app):
    return next((w for w in app.node.children
                 if w is not None and w.roleName in ("dialog", "frame") and w.name == "Print"), None)


class _Window:
    """What sbgui.Pointer measures from: a process and one of its windows' accessible frame."""

    def __init__(self, app, frame):
        self.process = app.process
        self.frame = frame


class DialogPointer(sbgui.Pointer):
    """Real pointer events into the print dialog: of the app's X windows, the smallest one that
    holds the dialog's frame (the main window is the bigger one)."""

    def _window(self):
        frame = self.app.frame.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
        root = self.display.screen().root
        pid_atom = self.display.intern_atom("_NET_WM_PID")
        best = None
        for window in root.query_tree().children:
            prop = window.get_full_property(pid_atom, self.X.AnyPropertyType)
            if not prop or prop.value[0] != self.app.process.pid or \
                    window.get_attributes().map_state != self.X.IsViewable:
                continue
            geometry = window.get_geometry()
            if geometry.width >= frame.width and geometry.height >= frame.height and \
                    (best is None or geometry.width * geometry.height < best[0]):
                best = (geometry.width * geometry.height, window)
        return best[1] if best else None

    def click_node(self, node):
        x, y, width, height = self.screen_box(node)
        self.click(x + width // 2, y + height // 2)


def pdf_text(path):
    return subprocess.run(["pdftotext", "-layout", path, "-"], check=True, capture_output=True,
                          text=True).stdout


def pdf_qr_code(path, directory):
    prefix = os.path.join(directory, "ticket-page")
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", "-f", "1", "-l", "1", path,
                    prefix], check=True)
    shutil.copy(prefix + ".png", os.path.join(sbgui.ARTIFACTS, "ticket-printed.png"))
    return subprocess.run(["zbarimg", "--quiet", "--raw", prefix + ".png"], check=True,
                          capture_output=True, text=True).stdout.strip()


def complete_pdf(path):
    """The file once the print job finished writing it (pdfinfo reads it whole)."""
    if not os.path.exists(path):
        return None
    result = subprocess.run(["pdfinfo", path], capture_output=True, text=True)
    return path if result.returncode == 0 else None


def print_home(prefix):
    """A fresh HOME for an app that prints: (home, its documents folder, its config folder).
    GTK's "Print to File" writes output.pdf in the user's documents folder (xdg-user-dirs)."""
    home = tempfile.mkdtemp(prefix=prefix)
    documents = os.path.join(home, "Documents")
    config = os.path.join(home, ".config")
    os.makedirs(documents)
    os.makedirs(config)
    with open(os.path.join(config, "user-dirs.dirs"), "w") as dirs:
        dirs.write('XDG_DOCUMENTS_DIR="%s"\n' % documents)
    return home, documents, config


def print_to_pdf(app, root, documents, screenshot=None):
    """Print Ticket… under root, then "Print to File" and Print in GTK's print dialog, with real
    pointer events: the PDF's path once it is written whole."""
    app.click(app.button("Print Ticket…", root=root))
    dialog = wait_for("the print dialog", lambda: print_dialog(app), timeout=30)
    pointer = DialogPointer(_Window(app, dialog))
    printer = wait_for("the Print to File printer",
                       lambda: app.find(name="Print to File", role="label", root=dialog))
    pointer.click_node(printer)
    print_button = app.find(name="_Print Print", role="push button", root=dialog) or \
        app.find(role="push button", root=dialog,
                 predicate=lambda n: n.name.endswith("Print") and "Pre" not in n.name)
    wait_for("Print to be possible once a printer is chosen",
             lambda: print_button.getState().contains(pyatspi.STATE_SENSITIVE))
    if screenshot is not None:
        sbgui.screenshot(screenshot)
    pointer.click_node(print_button)
    pdf = wait_for("the ticket's PDF", lambda: complete_pdf(os.path.join(documents, "output.pdf")),
                   timeout=60)
    wait_for("the print dialog to close", lambda: print_dialog(app) is None)
    return pdf


def test():
    for tool in ("pdftotext", "pdftoppm", "pdfinfo", "zbarimg"):
        if shutil.which(tool) is None:
            raise sbgui.TestFailure("%s is missing: tools/install-deps test installs it" % tool)
    home, documents, config = print_home("sb-ticket-home-")
    server = Server().start()
    with sbgui.Session("ticket", server) as session:
        app = session.app("A", env={"HOME": home, "XDG_CONFIG_HOME": config})
        app.open_event()
        first = app.wait_seat("Stalls", "A", "1")
        second = app.wait_seat("Stalls", "A", "2")
        app.choose(first)
        app.choose(second)
        app.hold(first)
        app.click(app.button("Book"))
        window, text = wait_for("the booking dialog", app.dialog_text)
        reference = next((line for line in text.split("\n")
                          if len(line) == 8 and line.isalnum() and line.isupper()), None)
        if reference is None:
            raise sbgui.TestFailure("no booking reference in the dialog: %r" % text)
        sbgui.screenshot("ticket-booked")

        pdf = print_to_pdf(app, window, documents, screenshot="ticket-print-dialog")
        text = pdf_text(pdf)
        for expected in (sbgui.EVENT_NAME, "Grand Theatre", "Booking reference", reference,
                         "Stalls · Row A · Seat 1", "Stalls · Row A · Seat 2", "Total for 2 seats"):
            if expected not in text:
                raise sbgui.TestFailure("%r is not on the printed ticket:\n%s" % (expected, text))
        if os.environ.get("SEATBOOK_UPDATE_SCREENSHOTS") == "1":
            # README shows the top of the page, where everything is: 100 dpi, 8.3 × 3.3 inches.
            target = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
                os.path.abspath(__file__)))), "docs", "screenshots", "ticket")
            subprocess.run(["pdftoppm", "-png", "-r", "100", "-singlefile", "-W", "827", "-H",
                            "330", pdf, target], check=True)
            print("docs screenshot:", target + ".png")
        code = pdf_qr_code(pdf, home)
        if code != reference:
            raise sbgui.TestFailure("the QR code reads %r, not the reference %r" % (code, reference))
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sbgui.run(test)
