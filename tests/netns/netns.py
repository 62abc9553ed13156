"""Network namespaces for tests: a server, a router and clients joined by veth pairs, with
impairments (delay, loss, rate caps, UDP blocked) on the router's links.

    server ns  10.231.1.1 ==veth== 10.231.1.2  router ns  10.231.2.1 ==veth== 10.231.2.2  client ns

Addresses 10.231.N.0/24 exist only inside the namespaces made here; every name carries the
pid, so parallel runs do not clash, and close() removes everything, whatever happened.

Delay and loss: impair() runs a userspace delay line (delayline.py) in the router namespace,
because this machine's kernel has no sch_netem (`tc qdisc add ... netem` answers "Specified
qdisc kind is unknown"): policy routing sends the packets that arrive on a link through a TUN
device, and the delay line holds each one for the delay, drops the lost ones, and writes the
rest back, to be forwarded on. netem() applies `tc netem` instead where the kernel has it.
Rate caps use tbf; blocking UDP uses nftables.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHROMIUM = os.environ.get("PALABRE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-features=WebRtcHideLocalIpsWithMdns",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class NetnsUnavailable(Exception):
    """`ip netns` is not permitted here (not root, no CAP_SYS_ADMIN, no iproute2)."""


def _run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, capture_output=True, text=True, timeout=30)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({result.returncode}): {result.stderr}")
    return result


def unavailable_reason() -> str | None:
    """Why network namespaces cannot be made here, or None when they can."""
    if shutil.which("ip") is None:
        return "iproute2's `ip` is not installed"
    name = f"palabre-probe-{os.getpid()}"
    try:
        result = _run("ip", "netns", "add", name, check=False)
    except OSError as exc:
        return f"ip netns add: {exc}"
    if result.returncode != 0:
        return f"ip netns add is not permitted: {result.stderr.strip()}"
    _run("ip", "netns", "del", name, check=False)
    return None


def netem_available(ns: str, dev: str) -> bool:
    result = _run("tc", "-n", ns, "qdisc", "add", "dev", dev, "root", "netem", check=False)
    if result.returncode == 0:
        _run("tc", "-n", ns, "qdisc", "del", "dev", dev, "root", check=False)
        return True
    return False


@dataclass
class Link:
    a: str  # namespace
    b: str
    a_dev: str
    b_dev: str
    a_addr: str
    b_addr: str
    subnet: str


@dataclass
class Server:
    ns: str
    host: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def http_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.port}/ws"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@dataclass
class Lab:
    """Namespaces, links and processes of one test; close() undoes them all."""

    workdir: Path
    tag: str = field(default_factory=lambda: f"pal{os.getpid()}")
    namespaces: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    _delaylines: dict[tuple[str, str], subprocess.Popen[bytes]] = field(default_factory=dict)

    def __enter__(self) -> Lab:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- topology ---

    def namespace(self, role: str) -> str:
        name = f"{self.tag}-{role}"
        _run("ip", "netns", "add", name)
        self.namespaces.append(name)
        _run("ip", "-n", name, "link", "set", "lo", "up")
        return name

    def link(self, a: str, b: str) -> Link:
        """A veth pair between two namespaces, on the next 10.231.N.0/24."""
        n = len(self.links) + 1
        # Interface names: at most 15 characters, unique on the host while being created.
        a_dev, b_dev = f"v{os.getpid()}{n}a", f"v{os.getpid()}{n}b"
        _run("ip", "link", "add", a_dev, "type", "veth", "peer", "name", b_dev)
        link = Link(a, b, a_dev, b_dev, f"10.231.{n}.1", f"10.231.{n}.2", f"10.231.{n}.0/24")
        for ns, dev, addr in ((a, a_dev, link.a_addr), (b, b_dev, link.b_addr)):
            _run("ip", "link", "set", dev, "netns", ns)
            _run("ip", "-n", ns, "addr", "add", f"{addr}/24", "dev", dev)
            _run("ip", "-n", ns, "link", "set", dev, "up")
        self.links.append(link)
        return link

    def route(self, ns: str, subnet: str, via: str) -> None:
        _run("ip", "-n", ns, "route", "add", subnet, "via", via)

    def forwarding(self, ns: str) -> None:
        self.exec(ns, "sysctl", "-qw", "net.ipv4.ip_forward=1")
        self.exec(ns, "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0")
        self.exec(ns, "sysctl", "-qw", "net.ipv4.conf.default.rp_filter=0")

    def exec(self, ns: str, *args: str) -> subprocess.CompletedProcess[str]:
        return _run("ip", "netns", "exec", ns, *args)

    def path(self) -> tuple[str, str, str, Link, Link]:
        """server ns -- router ns -- client ns; returns them and the two links."""
        server, router, client = (self.namespace(r) for r in ("srv", "rtr", "cli"))
        up = self.link(server, router)
        down = self.link(router, client)
        self.forwarding(router)
        self.route(server, down.subnet, up.b_addr)
        self.route(client, up.subnet, down.a_addr)
        return server, router, client, up, down

    # --- impairments ---

    def impair(self, ns: str, dev: str, delay_ms: float = 0, loss: float = 0) -> None:
        """Delay and random loss (a fraction) of the packets arriving on `dev` in the router
        namespace `ns`, before it forwards them (the delay line: see the module docstring)."""
        self.clear_impairment(ns, dev)
        process = subprocess.Popen(
            [
                "ip",
                "netns",
                "exec",
                ns,
                sys.executable,
                str(HERE / "delayline.py"),
                "--iif",
                dev,
                "--delay-ms",
                str(delay_ms),
                "--loss",
                str(loss),
                "--table",
                str(100 + len(self._delaylines) + 1),
            ],
            stdout=subprocess.PIPE,
            stderr=(self.workdir / f"delayline-{dev}.log").open("wb"),
        )
        self._delaylines[(ns, dev)] = process
        self.processes.append(process)
        assert process.stdout is not None
        ready = process.stdout.readline()
        if b"ready" not in ready:
            raise RuntimeError(
                f"delay line on {dev} did not start: "
                + (self.workdir / f"delayline-{dev}.log").read_text()
            )

    def clear_impairment(self, ns: str, dev: str) -> None:
        process = self._delaylines.pop((ns, dev), None)
        if process is not None:
            _stop(process)

    def netem(self, ns: str, dev: str, delay_ms: float = 0, loss: float = 0) -> bool:
        """tc netem on `dev`'s egress, if the kernel has it; False if it does not."""
        args = ["delay", f"{delay_ms}ms"] if delay_ms else []
        args += ["loss", f"{loss * 100}%"] if loss else []
        result = _run(
            "tc", "-n", ns, "qdisc", "replace", "dev", dev, "root", "netem", *args, check=False
        )
        return result.returncode == 0

    def rate(self, ns: str, dev: str, kbit: int, latency_ms: int = 200) -> None:
        """Cap `dev`'s egress at kbit/s with tbf (a queue of latency_ms, then drops)."""
        burst = max(1600, kbit * 1000 // 8 // 50)  # 20 ms worth, at least one packet
        _run(
            "tc", "-n", ns, "qdisc", "replace", "dev", dev, "root", "tbf",
            "rate", f"{kbit}kbit", "burst", str(burst), "latency", f"{latency_ms}ms",
        )  # fmt: skip

    def unlimit(self, ns: str, dev: str) -> None:
        _run("tc", "-n", ns, "qdisc", "del", "dev", dev, "root", check=False)

    def block_udp(self, ns: str) -> None:
        """Drop every UDP packet in and out of `ns` (nftables)."""
        ruleset = (
            "table inet palabre_block {\n"
            " chain in { type filter hook input priority 0; meta l4proto udp drop; }\n"
            " chain out { type filter hook output priority 0; meta l4proto udp drop; }\n"
            "}\n"
        )
        subprocess.run(
            ["ip", "netns", "exec", ns, "nft", "-f", "-"],
            input=ruleset, text=True, check=True, capture_output=True, timeout=30,
        )  # fmt: skip

    def unblock_udp(self, ns: str) -> None:
        """Undo block_udp."""
        self.exec(ns, "nft", "delete", "table", "inet", "palabre_block")

    # --- processes in namespaces ---

    def popen(self, ns: str, args: list[str], log: Path, **kw: object) -> subprocess.Popen[bytes]:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        process = subprocess.Popen(
            ["ip", "netns", "exec", ns, *args],
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            env=env,
            **kw,  # type: ignore[call-overload]
        )
        self.processes.append(process)
        return process

    def serve(self, ns: str, host: str, *extra: str, port: int = 8000) -> Server:
        """`palabre serve` in `ns`, on `host` for everything, announcing `host`."""
        log = self.workdir / f"server-{ns}.log"
        process = self.popen(
            ns,
            [
                sys.executable, "-m", "palabre", "serve",
                "--host", host, "--port", str(port),
                "--media-host", host, "--media-port", "10000", "--media-tcp-port", "10000",
                "--announce", host, "--data-dir", str(self.workdir / f"data-{ns}"),
                *extra,
            ],
            log,
        )  # fmt: skip
        server = Server(ns, host, port, process, log)
        probe = (
            f"import urllib.request; urllib.request.urlopen('{server.http_url}/healthz', timeout=2)"
        )
        deadline = time.monotonic() + 60  # as the harness's: a loaded machine starts slowly
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"palabre serve exited:\n{server.log()}")
            result = subprocess.run(
                ["ip", "netns", "exec", ns, sys.executable, "-c", probe],
                capture_output=True,
                timeout=10,
            )
            if result.returncode == 0:
                return server
            time.sleep(0.2)
        raise RuntimeError(f"palabre serve did not start in 60 s:\n{server.log()}")

    def bot(self, ns: str, ws_url: str, room: str, name: str, *args: str) -> Bot:
        """A bot (bot_runner.py) in `ns`; its participant id once it has joined."""
        log = self.workdir / f"bot-{name}.log"
        process = self.popen(
            ns,
            [sys.executable, str(HERE / "bot_runner.py"), ws_url, room, name, *args],
            log,
            stdin=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            for line in log.read_text(errors="replace").splitlines():
                if line.startswith("joined "):
                    return Bot(process, line.split()[1], log)
            if process.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(f"bot {name} did not join:\n{log.read_text(errors='replace')}")

    def chromium(self, ns: str) -> Path:
        """An executable for Playwright's executable_path: Chromium inside `ns`."""
        wrapper = self.workdir / f"chromium-{ns}"
        wrapper.write_text(f'#!/bin/sh\nexec ip netns exec {ns} {CHROMIUM} "$@"\n')
        wrapper.chmod(0o755)
        return wrapper

    # --- teardown ---

    def close(self) -> None:
        for process in reversed(self.processes):
            _stop(process)
        for ns in reversed(self.namespaces):
            # What still runs in our namespaces (Chromium's children, say) was started here.
            result = _run("ip", "netns", "pids", ns, check=False)
            for pid in result.stdout.split():
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(int(pid), signal.SIGKILL)
            _run("ip", "netns", "del", ns, check=False)
        self.namespaces.clear()
        self.processes.clear()


@dataclass
class Bot:
    process: subprocess.Popen[bytes]
    id: str
    log_path: Path


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


async def launch_in(pw: Any, lab: Lab, ns: str, origin: str) -> Any:
    """Chromium inside `ns`; `origin` (plain http on a namespace address) counts as secure,
    as localhost does, so that getUserMedia works there."""
    return await pw.chromium.launch(
        executable_path=str(lab.chromium(ns)),
        args=[*CHROMIUM_FLAGS, f"--unsafely-treat-insecure-origin-as-secure={origin}"],
    )
