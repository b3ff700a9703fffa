"""Signs test cases with Twilio's own Python library, for
tests/twilio_signature_crosscheck.rs.

stdin: a JSON list of {"token": str, "url": str, "params": [[name, value], ...]}.
stdout: a JSON list of signatures, one per case, in order.
Exits non-zero (and says why) when the twilio package is missing: the Rust
test must fail then, never skip.
"""

import json
import sys

try:
    from twilio.request_validator import RequestValidator
except ImportError as err:
    sys.exit(f"twilio_sign.py: the twilio package is required (pip install twilio): {err}")


class MultiDict(dict):
    """name -> [values]; `getall` is how RequestValidator reads repeated keys
    (it supports Flask's MultiDict this way)."""

    def getall(self, name):
        return self[name]


def sign(case):
    params = MultiDict()
    for name, value in case["params"]:
        params.setdefault(name, []).append(value)
    return RequestValidator(case["token"]).compute_signature(case["url"], params)


def main():
    cases = json.load(sys.stdin)
    json.dump([sign(case) for case in cases], sys.stdout)


if __name__ == "__main__":
    main()
