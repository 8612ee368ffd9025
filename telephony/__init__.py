"""The softphone: the only package that imports pjsua2 (in ``telephony.engine``, loaded lazily).

``telephony.model`` holds the snapshots and enums the rest of Inflow sees; ``telephony.softphone``
the :class:`~telephony.softphone.Softphone` protocol and a fake for UI tests.
"""
