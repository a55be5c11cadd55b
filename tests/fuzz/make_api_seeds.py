#!/usr/bin/env python3
"""Writes the admin API seed corpus (corpus/api_json/*.bin): one byte naming the route (its
index in kTargets of fuzz_api_json.cpp: keep the two in step), then a JSON body, valid or
wrong in one way. Rerun after editing: python3 tests/fuzz/make_api_seeds.py"""
import json
import os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "api_json")
ZONE = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cases", "zones",
                         "child.example.test.zone")).read()

# (file name, kTargets index, body: an object is dumped as JSON, a str is sent as is)
SEEDS = [
    ("zone_create", 0, {"name": "example.org", "ns": ["ns1.example.net"], "ttl": 300}),
    ("zone_create_content", 0, {"name": "child.example.test", "content": ZONE}),
    ("zone_create_bad_ttl", 0, {"name": "x.org", "ns": ["ns1.example.net"], "ttl": "abc"}),
    ("zone_replace", 1, {"content": "$ORIGIN gslb.example.\n@ IN SOA ns1 h 1 2 3 4 5\n@ IN NS ns1\n"
                                    "ns1 IN A 192.0.2.1\n"}),
    ("record_add", 2, {"owner": "mail", "type": "A", "rdata": "192.0.2.25", "ttl": 60}),
    ("record_add_cname_clash", 2, {"owner": "ns1", "type": "CNAME", "rdata": "www"}),
    ("record_add_bad_rdata", 2, {"owner": "x", "type": "MX", "rdata": "not a mail exchanger"}),
    ("records_delete", 3, {"owner": "ns2", "type": "AAAA"}),
    ("region_create", 4, {"name": "ap-south", "lat": 19.1, "lon": 72.9, "continent": "AS",
                          "country": "IN"}),
    ("region_replace", 5, {"lat": 40, "lon": -75}),
    ("region_patch_bad", 6, {"lat": "north"}),
    ("monitor_create", 7, {"name": "tcp443", "type": "tcp", "port": 443}),
    ("monitor_replace", 8, {"type": "http", "port": 80, "path": "/healthz",
                            "expect_status": [200, 204], "interval": "2s", "timeout": "500ms"}),
    ("monitor_patch", 9, {"expect_body": None, "rise": 5}),
    ("pool_create", 10, {"name": "extra", "region": "us-east",
                         "members": [{"address": "192.0.2.40", "weight": 2}]}),
    ("pool_replace", 11, {"region": "us-east", "members": [{"address": "2001:db8::1"}]}),
    ("pool_patch", 12, {"min_healthy": 2, "admin_state": "drain"}),
    ("service_create", 13, {"name": "new.gslb.example", "policy": "weighted",
                            "pools": [{"pool": "us-east", "weight": 3}, {"pool": "eu-west"}]}),
    ("service_replace", 14, {"policy": "geo", "pools": [{"pool": "us-east"}]}),
    ("service_patch", 15, {"ttl": 45, "when_all_down": "fallback", "fallback": ["192.0.2.99"]}),
    ("member_create", 16, {"address": "2001:DB8::20", "weight": 3}),
    ("member_replace", 17, {"weight": 5, "name": "a"}),
    ("member_patch_bad", 18, {"admin_state": "sleepy"}),
    ("geo_map", 19, {"geo": [{"match": "continent:EU", "pools": ["eu-west"]},
                             {"match": "cidr:198.51.100.0/24", "pools": ["us-east"]},
                             {"match": "default", "pools": ["ap-southeast"]}]}),
    ("override", 20, {"network": "198.51.100.0/24", "region": "us-east"}),
    ("drill", 21, {"target": "pool/us-east", "action": "fail", "duration": "10m", "note": "n"}),
    ("drill_bad_duration", 21, {"target": "pool/us-east", "action": "fail",
                                "duration": "10 parsecs"}),
    ("apply_yaml_dry", 22, "regions:\n  - {name: a, lat: 1, lon: 2}\n"),
    ("apply_json_dry", 23, {"regions": [{"name": "b", "lat": 1, "lon": 2}]}),
    ("apply_prune_dry", 24, "services: []\npools: []\n"),
    ("apply_write", 25, "monitors:\n  - {name: m2, type: tcp, port: 22}\n"),
    ("not_json", 4, "{\"name\": "),
    ("not_object", 4, "[1, 2, 3]"),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, index, body in SEEDS:
        text = body if isinstance(body, str) else json.dumps(body)
        with open(os.path.join(OUT, name + ".bin"), "wb") as f:
            f.write(bytes([index]) + text.encode())


if __name__ == "__main__":
    main()
