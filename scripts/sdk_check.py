"""The official Python SDK (azure-communication-chat) against the built-in emulator, as three identities.

Run through scripts/sdk_check, which builds the binary and installs the SDK in .venv. Starts
`acs-chat-inspector emulator`, then runs the SDK's read operations (list threads, get properties,
list messages, get message, list participants, list read receipts) and checks what each identity gets:

- member (`token`): everything, in every demo thread, at the SDK's default api-version and at the
  older ones released SDKs send (2021-09-07, 2023-11-07);
- removed member (`removedToken`, Peter, removed from "Lunch"): the thread still listed, properties and
  the history up to his removal readable, participants and read receipts 403;
- outsider (`outsiderToken`): no thread listed, 403 for everything.

Prints one line per check and exits 1 when any fails. The emulator speaks plain http on loopback;
azure-core refuses bearer tokens over http unless told (enforce_https=False), which changes nothing else.
"""
import argparse
import json
import subprocess
import sys

from azure.communication.chat import ChatClient, CommunicationTokenCredential
from azure.core.exceptions import HttpResponseError

LUNCH_TOPIC = "Lunch"
SEED_TEXT = "Let's head out for lunch in 15 minutes."
OLDER_VERSIONS = ["2021-09-07", "2023-11-07"]
NO_HTTPS = {"enforce_https": False}

failures = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failures.append(what)


def status_of(call):
    """The HTTP status a call ends with: 200, or the error's status."""
    try:
        result = call()
        if hasattr(result, "__iter__") and not isinstance(result, (str, bytes, dict)):
            list(result)
        return 200
    except HttpResponseError as e:
        return e.status_code


def clients(endpoint, token, api_version=None):
    kwargs = {"api_version": api_version} if api_version else {}
    chat = ChatClient(endpoint, CommunicationTokenCredential(token), **kwargs)
    return chat, lambda thread_id: chat.get_chat_thread_client(thread_id)


def lunch_id(info):
    return info["threadId"]


def check_member(info, api_version):
    label = f"member @{api_version or 'SDK default'}"
    chat, thread_client = clients(info["endpoint"], info["token"], api_version)
    threads = list(chat.list_chat_threads(results_per_page=5, **NO_HTTPS))
    check(len(threads) >= 9, f"{label}: list threads gives every demo thread ({len(threads)})")
    for item in threads:
        client = thread_client(item.id)
        props_status = status_of(lambda: client.get_properties(**NO_HTTPS))
        check(props_status == 200, f"{label}: get properties of {item.topic!r}")
        deleted = item.deleted_on is not None
        expected = 404 if deleted else 200
        messages = []
        try:
            messages = list(client.list_messages(results_per_page=4, **NO_HTTPS))
            got = 200
        except HttpResponseError as e:
            got = e.status_code
        check(got == expected, f"{label}: list messages of {item.topic!r} ({got}, {len(messages)} messages)")
        if messages:
            first = client.get_message(messages[-1].id, **NO_HTTPS)
            check(first.id == messages[-1].id, f"{label}: get message {first.id} of {item.topic!r}")
        for name, op in [("participants", client.list_participants), ("read receipts", client.list_read_receipts)]:
            got = status_of(lambda: op(results_per_page=7, **NO_HTTPS))
            check(got == expected, f"{label}: list {name} of {item.topic!r} ({got})")
    lunch = thread_client(lunch_id(info))
    seed = lunch.get_message(info["messageId"], **NO_HTTPS)
    check(seed.content.message == SEED_TEXT, f"{label}: the seed message reads {SEED_TEXT!r}")


def check_removed(info):
    if "removedToken" not in info:
        check(False, "removed member: the emulator's first line has no removedToken")
        return
    chat, thread_client = clients(info["endpoint"], info["removedToken"])
    topics = [t.topic for t in chat.list_chat_threads(**NO_HTTPS)]
    check(LUNCH_TOPIC in topics, f"removed member: Lunch still in the thread list ({topics})")
    lunch = thread_client(lunch_id(info))
    check(status_of(lambda: lunch.get_properties(**NO_HTTPS)) == 200, "removed member: get properties")
    messages = list(lunch.list_messages(**NO_HTTPS))
    newest = messages[0]
    removed_ids = [p.identifier.raw_id for p in (newest.content.participants or [])]
    check(newest.type == "participantRemoved" and any("f6762773" in r for r in removed_ids),
          f"removed member: history ends with his removal ({len(messages)} messages, newest {newest.type})")
    check(all(m.created_on <= newest.created_on for m in messages), "removed member: nothing after the removal")
    seed = lunch.get_message(info["messageId"], **NO_HTTPS)
    check(seed.content.message == SEED_TEXT, "removed member: get message from before the removal")
    for name, op in [("participants", lunch.list_participants), ("read receipts", lunch.list_read_receipts)]:
        got = status_of(lambda: op(**NO_HTTPS))
        check(got == 403, f"removed member: list {name} answers 403 ({got})")


def check_outsider(info):
    chat, thread_client = clients(info["endpoint"], info["outsiderToken"])
    threads = list(chat.list_chat_threads(**NO_HTTPS))
    check(threads == [], f"outsider: no thread listed ({len(threads)})")
    lunch = thread_client(lunch_id(info))
    calls = {
        "get properties": lambda: lunch.get_properties(**NO_HTTPS),
        "list messages": lambda: lunch.list_messages(**NO_HTTPS),
        "get message": lambda: lunch.get_message(info["messageId"], **NO_HTTPS),
        "list participants": lambda: lunch.list_participants(**NO_HTTPS),
        "list read receipts": lambda: lunch.list_read_receipts(**NO_HTTPS),
    }
    for name, call in calls.items():
        got = status_of(call)
        check(got == 403, f"outsider: {name} answers 403 ({got})")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    args = parser.parse_args()
    emulator = subprocess.Popen([args.binary, "emulator"], stdout=subprocess.PIPE, text=True)
    try:
        info = json.loads(emulator.stdout.readline())
        check_member(info, None)
        for version in OLDER_VERSIONS:
            check_member(info, version)
        check_removed(info)
        check_outsider(info)
    finally:
        emulator.terminate()
        emulator.wait()
    print(f"{len(failures)} check(s) failed" if failures else "every check passed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
