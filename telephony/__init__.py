"""The softphone: the only package that imports pjsua2 — arrives with its own issue."""
