#!/usr/bin/env python3
"""Writes the wire seed corpus (corpus/wire/*.bin): DNS queries built byte by byte, valid ones
for every kind of answer in fuzz_wire.cpp's zone and malformed ones (truncated, compression
loops, bad EDNS). Rerun after editing: python3 tests/fuzz/make_wire_seeds.py"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "wire")
TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "MX": 15, "TXT": 16, "AAAA": 28, "SRV": 33,
         "DS": 43, "ANY": 255, "AXFR": 252, "IXFR": 251}


def name(text):
    out = b""
    for label in text.strip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def header(qd=1, an=0, ns=0, ar=0, flags=0x0000, qid=0x1234):
    return struct.pack("!HHHHHH", qid, flags, qd, an, ns, ar)


def opt(payload=1232, version=0, do=False, options=b""):
    ttl = (version << 16) | (0x8000 if do else 0)
    return b"\0" + struct.pack("!HHIH", 41, payload, ttl, len(options)) + options


def ecs(family, prefix, address, scope=0):
    body = struct.pack("!HBB", family, prefix, scope) + address
    return struct.pack("!HH", 8, len(body)) + body


def query(qname, qtype="A", qclass=1, edns=None, flags=0x0000):
    q = name(qname) + struct.pack("!HH", TYPES.get(qtype, qtype) if isinstance(qtype, str)
                                  else qtype, qclass)
    ar = 1 if edns is not None else 0
    return header(ar=ar, flags=flags) + q + (edns or b"")


SEEDS = {
    "a_www": query("www.fuzz.test", "A"),
    "aaaa_www_edns": query("www.fuzz.test", "AAAA", edns=opt()),
    "a_all_edns4096": query("all.fuzz.test", "A", edns=opt(4096)),
    "txt_www": query("www.fuzz.test", "TXT"),
    "soa_apex": query("fuzz.test", "SOA"),
    "ns_apex_do": query("fuzz.test", "NS", edns=opt(do=True)),
    "mx_apex": query("fuzz.test", "MX"),
    "any_apex": query("fuzz.test", "ANY"),
    "any_www_service": query("www.fuzz.test", "ANY", edns=opt()),
    "any_big": query("big.fuzz.test", "ANY", edns=opt(4096)),
    "cname_chain": query("chain.fuzz.test", "A"),
    "any_at_cname": query("alias.fuzz.test", "ANY"),
    "cname_loop": query("loop1.fuzz.test", "AAAA"),
    "wildcard": query("x.y.wild.fuzz.test", "TXT"),
    "delegation": query("deep.sub.fuzz.test", "A"),
    "ds_at_cut": query("sub.fuzz.test", "DS"),
    "srv": query("_sip._tcp.fuzz.test", "SRV"),
    "nxdomain": query("nope.fuzz.test", "A"),
    "refused_other_zone": query("example.org", "A"),
    "many_udp512": query("many.fuzz.test", "A"),
    "many_edns1232": query("many.fuzz.test", "A", edns=opt(1232)),
    "many_edns600": query("many.fuzz.test", "A", edns=opt(600)),
    "big_txt_edns100": query("big.fuzz.test", "TXT", edns=opt(100)),
    "big_txt_edns65535": query("big.fuzz.test", "TXT", edns=opt(65535)),
    "ecs_v4": query("www.fuzz.test", "A", edns=opt(options=ecs(1, 24, bytes([198, 51, 100])))),
    "ecs_v6": query("www.fuzz.test", "AAAA",
                    edns=opt(options=ecs(2, 56, bytes.fromhex("20010db8000000")))),
    "ecs_bad_prefix": query("www.fuzz.test", "A", edns=opt(options=ecs(1, 33, bytes(5)))),
    "ecs_scope_set": query("www.fuzz.test", "A", edns=opt(options=ecs(1, 24, bytes(3), 24))),
    "edns_version1": query("www.fuzz.test", "A", edns=opt(version=1)),
    "edns_cookie": query("www.fuzz.test", "A", edns=opt(options=struct.pack("!HH", 10, 8) + bytes(8))),
    "chaos_id": query("id.server", "TXT", qclass=3),
    "chaos_version": query("version.bind", "TXT", qclass=3),
    "axfr": query("fuzz.test", "AXFR"),
    "opcode_notify": query("fuzz.test", "SOA", flags=0x2000),
    "qr_set_response": query("www.fuzz.test", "A", flags=0x8000),
    "rd_cd_set": query("www.fuzz.test", "A", flags=0x0110),
    "mixed_case": query("WwW.FuZz.TeSt", "A"),
    "header_only": header(qd=0),
    "short_11_bytes": header()[:11],
    "truncated_question": query("www.fuzz.test", "A")[:20],
    "qdcount_2": header(qd=2) + name("www.fuzz.test") + b"\0\1\0\1" + name("a") + b"\0\1\0\1",
    "qdcount_0_with_data": header(qd=0) + name("www.fuzz.test") + b"\0\1\0\1",
    # The question name points at itself, then two pointers at each other.
    "pointer_loop_self": header() + b"\xc0\x0c" + b"\0\1\0\1",
    "pointer_loop_pair": header() + b"\x01a\xc0\x10\xc0\x0c" + b"\0\1\0\1",
    "pointer_forward": header() + b"\xc0\x20" + b"\0\1\0\1" + bytes(20),
    "label_too_long": header() + b"\x40" + b"a" * 64 + b"\0\0\1\0\1",
    "name_over_255": header() + (b"\x3f" + b"a" * 63) * 5 + b"\0\0\1\0\1",
    "reserved_label_type": header() + b"\x81abc\0\0\1\0\1",
    "two_opts": header(ar=2) + name("www.fuzz.test") + b"\0\1\0\1" + opt() + opt(),
    "opt_truncated": (header(ar=1) + name("www.fuzz.test") + b"\0\1\0\1" + opt())[:-3],
    "opt_not_root": header(ar=1) + name("www.fuzz.test") + b"\0\1\0\1" + b"\1x" + opt()[1:],
    "trailing_garbage": query("www.fuzz.test", "A") + b"garbage",
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for seed, data in SEEDS.items():
        with open(os.path.join(OUT, seed + ".bin"), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
