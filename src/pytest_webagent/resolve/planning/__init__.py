"""The model path: observe the page, ask an OpenAI-compatible model, validate, ground."""
