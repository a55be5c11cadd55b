"""A stdlib DNS client over UDP for the bench helpers (bench/lib/healthd.sh's hb_py and
bench/lib/fleet.py): one socket to one server, one query at a time, A records out. Python
keeps the polling loops cheap where a `dig` per query would cost ~40 ms of process start."""
import random
import socket
import struct
import time


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def skip_name(msg, off):
    while True:
        n = msg[off]
        if n & 0xC0 == 0xC0:
            return off + 2
        if n == 0:
            return off + 1
        off += 1 + n


def a_records(msg):
    """The A addresses in the answer section of a reply."""
    _id, _flags, qd, an = struct.unpack("!HHHH", msg[:8])
    off = 12
    for _ in range(qd):
        off = skip_name(msg, off) + 4
    addrs = []
    for _ in range(an):
        off = skip_name(msg, off)
        rtype, _cls, _ttl, rdlen = struct.unpack("!HHIH", msg[off:off + 10])
        off += 10
        if rtype == 1 and rdlen == 4:
            addrs.append(socket.inet_ntoa(msg[off:off + 4]))
        off += rdlen
    return addrs


class UdpDns:
    """One UDP socket to one server; ask(name, qtype) -> (rcode, [A addresses]) or None."""

    def __init__(self, port, server="127.0.0.1"):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.connect((server, port))

    def ask(self, name, qtype=1, timeout=0.2):
        qid = random.randint(0, 0xFFFF)
        question = encode_name(name) + struct.pack("!HH", qtype, 1)
        self.sock.send(struct.pack("!HHHHHH", qid, 0, 1, 0, 0, 0) + question)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                msg = self.sock.recv(4096)
            except (socket.timeout, ConnectionRefusedError):
                return None
            if len(msg) < 12:
                continue
            rid, flags = struct.unpack("!HH", msg[:4])
            if rid != qid:
                continue  # a late answer to an earlier query
            return flags & 0xF, a_records(msg)
