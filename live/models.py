"""The event log of live updates is the annotations app's outbox.

:class:`annotations.models.Event` is written in the transaction of every change
to an article's annotations or replies (:func:`annotations.outbox.event_append`).
This app is one of its consumers: :func:`live.services.relay` gives each event
its stream position (the SSE ``id:``) in commit order and wakes the app
servers, which stream it to the article's readers. A reader whose connection
dropped sends the position of the last event it saw (``Last-Event-ID``) and is
replayed everything after it, whichever app server it reconnects to. Events
carry ids and an action only, never text.
"""

from annotations.models import EVENT_ACTIONS as ACTIONS, Event  # noqa: F401  (the log live updates read)
