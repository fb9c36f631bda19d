"""Storage glue for Rasa: a Redis lock store that is safe with several Rasa servers."""
