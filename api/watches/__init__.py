"""Watches: tell a planner when someone else starts on the same problem.

A watch is a problem description (or a stored need) with a sensitivity and an owner.
After every committed write the server reads the store's change feed, scores the new
and changed cases against every active watch with the prior-work ranking, and
delivers each match once per watch and case revision: an Atom feed per watch, signed
webhooks with retries, and a GraphQL subscription.

Watches, matches and the webhook outbox live in their own SQLite file (`WatchStore`):
they are the server's delivery state, not facts of the graph, and the same file
serves both graph backends.
"""
