"""Lists every message of a thread with the official Python SDK, as an engineer would script it.

Prints the number of messages. Arguments: endpoint token thread_id page_size.
The emulator speaks plain http on loopback; azure-core refuses bearer tokens over http unless told
(enforce_https=False), which changes nothing else about the SDK's work.
"""
import sys

from azure.communication.chat import ChatThreadClient, CommunicationTokenCredential

endpoint, token, thread_id, page_size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
client = ChatThreadClient(endpoint, CommunicationTokenCredential(token), thread_id)
count = 0
ids = set()
for message in client.list_messages(results_per_page=page_size, enforce_https=False):
    ids.add(message.id)
    count += 1
print(count, len(ids))
