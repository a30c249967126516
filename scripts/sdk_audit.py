"""Audits every thread of a user with the official Python SDK, one request after another, as an
engineer would script it: the thread list, then per thread its properties and the first participant.

Prints one JSON array: [{"id", "membership", "deletedOn", "retentionDeletesOn", "lastMessageOn"}],
the same facts `threads --audit` gives (membership absent when the roster answered 404).
Arguments: endpoint token [page_size].

The SDK's models leave out `retentionPolicy` (and its default api-version 2024-03-07 does not serve
it), so the thread's properties are read through the SDK's own pipeline (same authentication and
retries) at api-version 2025-03-15. The emulator speaks plain http on loopback; azure-core refuses
bearer tokens over http unless told (enforce_https=False), which changes nothing else.
"""
import datetime
import json
import sys
import urllib.parse

from azure.communication.chat import ChatClient, CommunicationTokenCredential
from azure.core.exceptions import HttpResponseError
from azure.core.rest import HttpRequest

API_VERSION = "2025-03-15"


def rfc3339(value):
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def retention_deletes_on(properties):
    policy = properties.get("retentionPolicy") or {}
    days = policy.get("deleteThreadAfterDays")
    if policy.get("kind") != "threadCreationDate" or days is None:
        return None
    created = datetime.datetime.fromisoformat(properties["createdOn"].replace("Z", "+00:00"))
    return rfc3339(created + datetime.timedelta(days=days))


def audit(chat, item):
    thread = chat.get_chat_thread_client(item.id)
    path = f"/chat/threads/{urllib.parse.quote(item.id, safe='')}?api-version={API_VERSION}"
    response = thread._client._send_request(HttpRequest("GET", path), enforce_https=False)
    result = {"id": item.id, "lastMessageOn": rfc3339(item.last_message_received_on)}
    deleted = rfc3339(item.deleted_on)
    if response.status_code == 200:
        properties = response.json()
        deleted = rfc3339(properties.get("deletedOn")) or deleted
        result["retentionDeletesOn"] = retention_deletes_on(properties)
    elif response.status_code not in (403, 404):
        response.raise_for_status()
    result["deletedOn"] = deleted
    try:
        first_page = thread.list_participants(results_per_page=1, enforce_https=False).by_page()
        next(iter(next(first_page)), None)
        result["membership"] = "active"
    except HttpResponseError as e:
        if e.status_code == 403:
            result["membership"] = "left"
        elif e.status_code != 404:
            raise
    return result


def main():
    endpoint, token = sys.argv[1], sys.argv[2]
    page_size = int(sys.argv[3]) if len(sys.argv) > 3 else None
    chat = ChatClient(endpoint, CommunicationTokenCredential(token))
    threads = chat.list_chat_threads(results_per_page=page_size, enforce_https=False)
    print(json.dumps([audit(chat, item) for item in threads]))


if __name__ == "__main__":
    main()
