"""TLS for the listeners: a local certificate authority generated on first start (``--tls auto``)."""

from cerulean.tls.authority import LocalAuthority, TlsFiles

__all__ = ["LocalAuthority", "TlsFiles"]
