"""Custom Rasa input channels (SMS: ``channels.sms``). Registered in ``credentials.yml``."""
