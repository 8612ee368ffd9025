"""Real SIP peers for the softphone tests: sipp and kamailio as subprocesses on free ports.

One pjsua2 Endpoint per process (ARCHITECTURE "Telephony rules"): ``sip_engine`` is session-scoped
and listens for direct SIP on a free loopback port; tests attach their own controller to it and
detach it afterwards. When sipp or kamailio is missing the tests are skipped with the reason, or
fail when the environment variable ``CI`` is ``true`` (RECIPES: Debian ``sip-tester``, ``kamailio``).
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from telephony.engine import SipEngine
from telephony.model import DirectLine
from tests.telephony.sipp import SippCall, write_scenarios

DIRECT_LINE = "direct"


def _unavailable(what: str) -> None:
    message = f"{what} is not installed (Debian packages sip-tester, kamailio; see .ci/run)"
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def free_port() -> int:
    """A port free for both UDP and TCP on 127.0.0.1."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind(("127.0.0.1", 0))
            port = int(udp.getsockname()[1])
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
    raise RuntimeError("no free port")


@pytest.fixture(autouse=True)
def _garbage_collected_on_the_gui_thread() -> Iterator[None]:
    """pjsua2 objects and widgets are only ever freed on the GUI thread (never in a pool thread)."""
    gc.collect()
    gc.disable()
    yield
    gc.collect()
    gc.enable()


@dataclass
class EngineUnderTest:
    """The session's engine and the address its direct line listens on."""

    engine: SipEngine
    host: str
    port: int


@pytest.fixture(scope="session")
def sip_engine(qapp: QApplication) -> Iterator[EngineUnderTest]:
    """The one SipEngine of this test process, listening for direct SIP on 127.0.0.1:<free port>."""
    engine = SipEngine(media_address="127.0.0.1", ring_timeout_s=30, registration_retry_s=1)
    engine.start()
    port = free_port()
    engine.add_direct_line(DirectLine(DIRECT_LINE, "127.0.0.1", port))
    try:
        yield EngineUnderTest(engine, "127.0.0.1", port)
    finally:
        engine.stop()


@pytest.fixture(scope="session")
def sipp_binary() -> str:
    """The sipp executable (skips or fails when missing)."""
    path = shutil.which("sipp")
    if path is None:
        _unavailable("sipp")
    assert path is not None
    return path


SippRunner = Callable[..., SippCall]


@pytest.fixture
def sipp(sipp_binary: str, tmp_path: Path) -> Iterator[SippRunner]:
    """Start sipp placing calls: ``sipp(target_port, caller=…, scenario="answered", calls=1, …)``."""
    folder = tmp_path / "sipp"
    folder.mkdir()
    scenarios = write_scenarios(folder)
    started: list[SippCall] = []

    def run(
        port: int,
        *,
        caller: str = "+79161234567",
        display: str = "",
        scenario: str = "answered",
        service: str = "inflow",
        calls: int = 1,
        pause_ms: int = 0,
        rate: int = 10,
        host: str = "127.0.0.1",
    ) -> SippCall:
        run_dir = folder / f"run{len(started)}"
        run_dir.mkdir()
        command = [
            sipp_binary, f"{host}:{port}",
            "-sf", str(scenarios[scenario]),
            "-set", "caller", caller,
            "-set", "display", display,
            "-s", service,
            "-m", str(calls),
            "-l", "1",  # one call at a time: sequential calls
            "-r", str(rate),
            "-d", str(pause_ms),
            "-i", "127.0.0.1",
            "-p", str(free_port()),
            "-mi", "127.0.0.1",
            "-mp", str(free_port()),
            "-nostdin",
            "-timeout", "60s",
            "-recv_timeout", "20000",
            "-trace_err",
            "-trace_screen",
        ]  # fmt: skip
        # sipp looks for its pcap files relative to the working folder (RECIPES).
        process = subprocess.Popen(command, cwd=run_dir, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        call = SippCall(process, run_dir)
        started.append(call)
        return call

    yield run
    for call in started:
        call.kill()


# ------------------------------------------------------------------------------------- kamailio

KAMAILIO_PASSWORD = "secret"

_KAMAILIO_CFG = """#!KAMAILIO
debug=1
log_stderror=yes
fork=yes
children=1
tcp_children=1
auto_aliases=no
listen=udp:127.0.0.1:{port}
listen=tcp:127.0.0.1:{port}
alias="127.0.0.1:{port}"

mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "sanity.so"
loadmodule "auth.so"

modparam("usrloc", "db_mode", 0)

request_route {{
    if (!mf_process_maxfwd_header("10")) {{
        sl_send_reply("483", "Too Many Hops");
        exit;
    }}
    if (has_totag()) {{
        if (loose_route()) {{
            t_relay();
            exit;
        }}
        if (is_method("ACK")) {{
            if (t_check_trans()) {{
                t_relay();
            }}
            exit;
        }}
        sl_send_reply("404", "Not here");
        exit;
    }}
    if (is_method("CANCEL")) {{
        if (t_check_trans()) {{
            t_relay();
        }}
        exit;
    }}
    if (is_method("REGISTER")) {{
        if (!pv_www_authenticate("$td", "{password}", "0")) {{
            www_challenge("$td", "0");
            exit;
        }}
        save("location");
        exit;
    }}
    if (is_method("INVITE")) {{
        record_route();
    }}
    if (!lookup("location")) {{
        sl_send_reply("404", "Not Found");
        exit;
    }}
    t_relay();
}}
"""


class Kamailio:
    """A kamailio registrar/proxy on a fixed free port that a test may stop and start again."""

    def __init__(self, binary: str, config: Path, port: int, folder: Path) -> None:
        self.binary = binary
        self.config = config
        self.port = port
        self.password = KAMAILIO_PASSWORD
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start kamailio and wait until it accepts TCP connections."""
        log = (self.folder / "kamailio.log").open("ab")
        command = [self.binary, "-f", str(self.config), "-E", "-DD", "-Y", str(self.folder)]
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 0.2):
                return
            if self.process.poll() is not None or time.monotonic() > deadline:
                said = (self.folder / "kamailio.log").read_text(errors="replace")[-2000:]
                self.stop()
                raise AssertionError(f"kamailio did not start: {said}")
            time.sleep(0.01)

    def stop(self) -> None:
        """Stop kamailio (its location table is lost: registrations must be renewed)."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        self.process = None


def _kamailio_module_path() -> str | None:
    candidates = [*sorted(Path("/usr/lib").glob("*/kamailio/modules")), Path("/usr/lib/kamailio/modules")]
    for candidate in candidates:
        if (candidate / "registrar.so").exists():
            return str(candidate) + "/"
    return None


@pytest.fixture
def kamailio(tmp_path: Path) -> Iterator[Kamailio]:
    """kamailio with digest auth (one fixed password) and a memory location table on a free port."""
    binary = shutil.which("kamailio") or shutil.which("kamailio", path="/usr/sbin:/usr/local/sbin")
    modules = _kamailio_module_path()
    if binary is None or modules is None:
        _unavailable("kamailio")
    assert binary is not None and modules is not None
    port = free_port()
    config = _KAMAILIO_CFG.format(port=port, password=KAMAILIO_PASSWORD).replace(
        "/usr/lib/x86_64-linux-gnu/kamailio/modules/", modules
    )
    path = tmp_path / "kamailio.cfg"
    path.write_text(config, encoding="ascii")
    server = Kamailio(binary, path, port, tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()
