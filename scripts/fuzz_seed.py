"""Seeds the fuzz corpora (fuzz/corpus/<target>/) with recorded answers. Used by scripts/fuzz.

decode_response  every recorded body: tests/fixtures/real/*.json, the error bodies of errors.json and
                 the response bodies of the spec's examples (tests/fixtures/spec/*/*.json);
error_body       the recorded error bodies (errors.json, real traffic);
next_link        the recorded nextLinks, one per input, as recorded and moved onto the endpoint the target's
                 client uses, and the list pages that carry them;
retry_header     a selector byte (which header) then a value, for the header forms the service sends.
Files are named by the SHA-1 of their content, as libFuzzer names its own, so seeding twice adds nothing.
"""
import glob
import hashlib
import json
import os
import sys

FIXTURES = "tests/fixtures"
# The endpoint of the client in fuzz/fuzz_targets/next_link.rs.
FUZZ_ORIGIN = "https://contoso.communication.azure.com"


def recorded_bodies():
    for path in sorted(glob.glob(f"{FIXTURES}/real/*.json")):
        data = json.load(open(path))
        if path.endswith("errors.json"):
            yield from (case["body"] for case in data)
        else:
            yield json.dumps(data)
    for path in sorted(glob.glob(f"{FIXTURES}/spec/*/*.json")):
        for response in json.load(open(path)).get("responses", {}).values():
            if "body" in response:
                yield json.dumps(response["body"])


def error_bodies():
    return [case["body"] for case in json.load(open(f"{FIXTURES}/real/errors.json"))]


def next_links():
    for body in recorded_bodies():
        try:
            link = json.loads(body).get("nextLink")
        except (ValueError, AttributeError):
            continue
        if link:
            yield link
            yield FUZZ_ORIGIN + "/" + link.split("/", 3)[3]
            yield body


def retry_headers():
    # Selector byte % 4 picks retry-after-ms, x-ms-retry-after-ms, Retry-After, RETRY-AFTER; >= 128 adds a
    # second Retry-After.
    values = [(0, "1500"), (1, "2000"), (2, "0"), (2, "7"), (3, "Wed, 21 Oct 2015 07:28:00 GMT"),
              (130, "120"), (128, "1e30")]
    return [bytes([selector]) + value.encode() for selector, value in values]


def write(directory, inputs):
    os.makedirs(directory, exist_ok=True)
    added = 0
    for item in inputs:
        data = item.encode() if isinstance(item, str) else item
        path = os.path.join(directory, hashlib.sha1(data).hexdigest())
        if not os.path.exists(path):
            open(path, "wb").write(data)
            added += 1
    return added


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "fuzz/corpus"
    seeds = {
        "decode_response": list(recorded_bodies()),
        "error_body": error_bodies(),
        "next_link": list(next_links()),
        "retry_header": retry_headers(),
    }
    for target, inputs in seeds.items():
        added = write(os.path.join(root, target), inputs)
        print(f"{target}: {len(set(inputs))} distinct seeds, {added} new", file=sys.stderr)


if __name__ == "__main__":
    main()
