"""Custom Rasa input channels (SMS: ``channels.sms``; web chat widget: ``channels.web``;
agent console: ``channels.agent``). Registered in ``credentials.yml``."""
