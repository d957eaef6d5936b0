"""Our Rasa components. Importing them (Rasa does when it loads our model) also installs the cached check of
the action server's answers (bot/action_result_validation.py)."""

from bot.action_result_validation import install

install()
