//! Bundles: everything about one thread in one JSON document, for a ticket. Never holds a token.
