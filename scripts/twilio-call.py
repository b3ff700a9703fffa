#!/usr/bin/env python3
"""Send a webhook to lotse signed exactly as Twilio signs it (stdlib only).

    LOTSE_TWILIO__AUTH_TOKEN=demo scripts/twilio-call.py /twilio/voice \
        CallSid=CA0000000000000000000000000000demo From=+493023125999 To=+498003009944

The signature covers the public URL (TWILIO_CALL_PUBLIC_URL, default the
config's https://hotline.example.org) + path + query, and every parameter sorted
by name in byte order. The request itself goes to TWILIO_CALL_TARGET (default
http://127.0.0.1:8080). Prints the status and the TwiML answer.

The script's own variables do not start with LOTSE_: every LOTSE_ variable is
configuration to lotse, and lotse refuses to start on one it does not know.
"""
import base64, hashlib, hmac, os, sys, urllib.error, urllib.parse, urllib.request

def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    path, pairs = sys.argv[1], [tuple(a.split("=", 1)) for a in sys.argv[2:]]
    token = os.environ.get("LOTSE_TWILIO__AUTH_TOKEN")
    if not token:
        print("set LOTSE_TWILIO__AUTH_TOKEN (the first token if several)", file=sys.stderr)
        return 2
    token = token.split(",")[0].strip()
    for old, new in (("LOTSE_PUBLIC_URL", "TWILIO_CALL_PUBLIC_URL"), ("LOTSE_TARGET", "TWILIO_CALL_TARGET")):
        if old in os.environ:
            print(f"{old} is now {new} (unset {old}: lotse refuses unknown LOTSE_ variables)", file=sys.stderr)
            return 2
    public = os.environ.get("TWILIO_CALL_PUBLIC_URL", "https://hotline.example.org").rstrip("/")
    target = os.environ.get("TWILIO_CALL_TARGET", "http://127.0.0.1:8080").rstrip("/")
    signed = public + path + "".join(k + v for k, v in sorted(pairs, key=lambda kv: kv[0].encode()))
    sig = base64.b64encode(hmac.new(token.encode(), signed.encode(), hashlib.sha1).digest()).decode()
    body = urllib.parse.urlencode(pairs).encode()
    req = urllib.request.Request(target + path, data=body, headers={"X-Twilio-Signature": sig})
    try:
        with urllib.request.urlopen(req) as resp:
            print(resp.status, resp.read().decode())
    except urllib.error.HTTPError as e:
        print(e.code, e.read().decode())
    return 0

if __name__ == "__main__":
    sys.exit(main())
