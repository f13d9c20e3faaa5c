"""Model providers: where a model lives (``endpoint``: one OpenAI-compatible HTTP endpoint and
how to talk to it), which providers every user has, and which one a config uses (``resolve``)."""
