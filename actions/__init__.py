"""The 1022 bot's action server (app runtime): ``.venv/bin/python -m rasa_sdk --actions actions``.

One module per feature, named like the domain/rules/stories files in ``bot/``: ``procedures``,
``dossier``, ``petition`` (intake and status), ``handoff``, ``postal``, ``appointment``,
``contact_info``, ``rating``, ``fallback``; ``common`` holds what they share. Actions are thin: they
check what the citizen typed and phrase the reply; ``knowledge.facade`` and ``ticketing.citizen_desk`` do
the work.

What other parts rely on:
- The hub sends ``metadata: {"channel": "zalo|telegram|webchat|phone", "channel_user_id": "..."}`` with
  each message; tickets and handoffs are filed under that identity (without it: the Rasa input channel
  when it is one of ours, else ``webchat``, and the sender id). The Rasa sender id is the
  ``conversation_id``.
- ``action_handoff`` answers with a text and a separate custom message ``{"handoff": true}`` (``custom``
  in the REST webhook output) and sets the slot ``handoff``.
- Forms count wrong answers (slot ``form_failures``); after 3 in a row, or when the citizen says
  "thôi"/"hủy" or asks for a person, the form ends early (slot ``form_outcome``) and the action after
  the form offers a human, confirms the stop, or hands off.
- The action server binds ``SANIC_HOST`` (rasa_sdk default 0.0.0.0): run it with ``SANIC_HOST=127.0.0.1``.
"""
