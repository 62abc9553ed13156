"""A userspace netem for kernels without sch_netem: run inside a forwarding namespace.

Packets arriving on --iif are routed (policy rule `iif DEV lookup TABLE`) into a TUN device;
this process drops each with probability --loss, holds the others for --delay-ms and writes
them back to the TUN device, whence the kernel forwards them on by the main table. Prints
"ready" once set up; undoes its rule on SIGTERM (the TUN device goes with the process).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import os
import random
import signal
import struct
import subprocess

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iif", required=True)
    parser.add_argument("--delay-ms", type=float, default=0.0)
    parser.add_argument("--loss", type=float, default=0.0)
    parser.add_argument("--table", type=int, required=True)
    args = parser.parse_args()
    name = f"dl{args.table}"
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    run = lambda *a: subprocess.run(a, check=True, capture_output=True)  # noqa: E731
    run("ip", "link", "set", name, "up")
    run("sysctl", "-qw", f"net.ipv4.conf.{name}.rp_filter=0")
    run("ip", "route", "add", "default", "dev", name, "table", str(args.table))
    rule = ("ip", "rule", "add", "iif", args.iif, "lookup", str(args.table))
    run(*rule)
    delay = args.delay_ms / 1000
    loop = asyncio.new_event_loop()
    stop = loop.create_future()

    def write(packet: bytes) -> None:
        with contextlib.suppress(OSError):  # the kernel refused it: as good as lost
            os.write(fd, packet)

    def on_packet() -> None:
        while True:
            try:
                packet = os.read(fd, 65536)
            except BlockingIOError:
                return
            if args.loss and random.random() < args.loss:
                continue
            if delay:
                loop.call_later(delay, write, packet)
            else:
                write(packet)

    loop.add_reader(fd, on_packet)
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    print("ready", flush=True)
    try:
        loop.run_until_complete(stop)
    finally:
        subprocess.run(("ip", "rule", "del", *rule[3:]), capture_output=True)
        os.close(fd)


if __name__ == "__main__":
    main()
