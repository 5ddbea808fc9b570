#!/usr/bin/env python3
"""Verify a Warden audit chain (and optionally a signed checkpoint) without Warden: Python 3.9+ stdlib, plus the
openssl command line for the checkpoint signature when it is installed.

Each entry's hash is SHA-256 over the UTF-8 bytes of the RFC 8785 canonical JSON of
{"action", "actor", "details", "prev", "target", "time"} (time in Unix milliseconds, prev = the previous entry's hash,
64 zeros for the first entry).

  python3 verify_audit.py --url http://localhost:5000 --key "$WARDEN_KEY" [--checkpoint checkpoints.jsonl]
  python3 verify_audit.py --file audit.json [--checkpoint checkpoints.jsonl]   # a JSON array of GET /api/audit items

Exit 0: intact (and consistent with the checkpoint); 1: a problem, each printed on its own line.
"""
import argparse, base64, datetime, hashlib, json, os, shutil, subprocess, sys, tempfile, urllib.request

GENESIS = "0" * 64


def es_number(value):
    """ECMAScript Number.prototype.toString of the double nearest to value (RFC 8785 section 3.2.2.3)."""
    value = float(value)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("JSON has no NaN or infinity")
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    mantissa, _, exponent = repr(abs(value)).partition("e")  # repr: shortest round-trip digits
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    n = len(whole) + int(exponent or 0) - (len(whole + fraction) - len((whole + fraction).lstrip("0")))
    digits = digits.rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * -n + digits
    return sign + digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if n - 1 >= 0 else "-") + str(abs(n - 1))


def es_string(text):
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch in "\b\f\n\r\t":
            out.append({"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch])
        elif code < 0x20 or 0xD800 <= code <= 0xDFFF:
            out.append("\\u%04x" % code)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def canonical(value):
    """RFC 8785: members sorted by the UTF-16 code units of their names, no whitespace."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return es_number(value)
    if isinstance(value, str):
        return es_string(value)
    if isinstance(value, list):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    items = sorted(value.items(), key=lambda kv: kv[0].encode("utf-16-be", "surrogatepass"))
    return "{" + ",".join(es_string(k) + ":" + canonical(v) for k, v in items) + "}"


def unix_ms(iso):
    moment = datetime.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return (moment - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)) // datetime.timedelta(milliseconds=1)


def entry_hash(entry):
    content = {"action": entry["action"], "actor": entry["actor"], "details": entry["details"],
               "prev": entry["previousHash"], "target": entry["target"], "time": unix_ms(entry["time"])}
    return hashlib.sha256(canonical(content).encode("utf-8")).hexdigest()


def fetch(url, key):
    entries, after = [], 0
    while True:
        request = urllib.request.Request(f"{url.rstrip('/')}/api/audit?after={after}&limit=1000",
                                         headers={"Authorization": f"Bearer {key}"})
        page = json.load(urllib.request.urlopen(request))
        entries += page["items"]
        if not page.get("next"):
            return entries
        after = int(page["next"])


def check_chain(entries):
    problems, previous = [], GENESIS
    for position, entry in enumerate(entries, start=1):
        if entry["sequence"] != position:
            problems.append(f"entry {entry['sequence']}: expected sequence {position} (entries deleted or reordered)")
        if entry["previousHash"] != previous:
            problems.append(f"entry {entry['sequence']}: does not link to the entry before it")
        if entry_hash(entry) != entry["hash"]:
            problems.append(f"entry {entry['sequence']}: content does not match its hash (edited)")
        previous = entry["hash"]
    return problems


def check_signature(checkpoint):
    """ECDSA P-256 over the signed text, with the openssl CLI (P1363 r||s converted to DER)."""
    if shutil.which("openssl") is None:
        return "signature not checked: openssl not found"
    signed = f"warden-audit-checkpoint/v1\n{checkpoint['size']}\n{checkpoint['headHash']}\n{checkpoint['time']}\n"
    raw = base64.b64decode(checkpoint["signature"])

    def der_int(b):
        b = b.lstrip(b"\0") or b"\0"
        b = b"\0" + b if b[0] & 0x80 else b
        return b"\x02" + bytes([len(b)]) + b

    body = der_int(raw[:32]) + der_int(raw[32:])
    with tempfile.TemporaryDirectory() as tmp:
        paths = {name: os.path.join(tmp, name) for name in ("msg", "sig", "pub.pem")}
        open(paths["msg"], "wb").write(signed.encode())
        open(paths["sig"], "wb").write(b"\x30" + bytes([len(body)]) + body)
        pem = "\n".join(["-----BEGIN PUBLIC KEY-----", checkpoint["publicKey"], "-----END PUBLIC KEY-----", ""])
        open(paths["pub.pem"], "w").write(pem)
        result = subprocess.run(["openssl", "dgst", "-sha256", "-verify", paths["pub.pem"], "-signature", paths["sig"], paths["msg"]],
                                capture_output=True)
    return None if result.returncode == 0 else "bad checkpoint signature"


def check_checkpoint(entries, checkpoint, pinned_key):
    problems = []
    if pinned_key and checkpoint["publicKey"] != pinned_key:
        problems.append("checkpoint signed by another key than the pinned one")
    signature = check_signature(checkpoint)
    if signature and signature.startswith("bad"):
        problems.append(signature)
    elif signature:
        print(signature, file=sys.stderr)
    size = checkpoint["size"]
    if size > len(entries):
        problems.append(f"truncated or rolled back: the checkpoint covers {size} entries, the chain ends at entry {len(entries)}")
    elif size > 0 and entries[size - 1]["hash"] != checkpoint["headHash"]:
        problems.append(f"fork: entry {size} has hash {entries[size - 1]['hash'][:12]}..., the checkpoint says {checkpoint['headHash'][:12]}...")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url"), parser.add_argument("--key", default=os.environ.get("WARDEN_KEY"))
    parser.add_argument("--file"), parser.add_argument("--checkpoint"), parser.add_argument("--public-key")
    args = parser.parse_args()
    entries = json.load(open(args.file, encoding="utf-8")) if args.file else fetch(args.url, args.key)
    entries.sort(key=lambda e: e["sequence"])
    problems = check_chain(entries)
    if args.checkpoint:
        lines = [l for l in open(args.checkpoint, encoding="utf-8") if l.strip()]
        problems += check_checkpoint(entries, json.loads(lines[-1]), args.public_key)
    for problem in problems:
        print(problem)
    print(f"{'intact' if not problems else 'broken'}: {len(entries)} entries" + (", checkpoint consistent" if args.checkpoint and not problems else ""))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
