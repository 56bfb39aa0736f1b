"""The embedded identity provider, compatible with Microsoft Entra ID as the Azure SDKs and CLI use it.

Directory objects (`models`), their changes (`directory`), credentials (`secrets`, `certificates`,
`assertions`), signing keys (`keys`), tokens (`tokens`), the token endpoint with one method per grant
(`grants`), device codes, managed identities, external issuers, throttling and sign-in records. No web
framework and no database: the edge and `cerulean.db` plug into the ports in `interfaces`.
"""

from cerulean.identity.directory import DirectoryRoles, DirectoryService, NewSecret, NewWorkload
from cerulean.identity.errors import EntraError, IdentityError
from cerulean.identity.external import AccessTokenVerifier, TrustedIssuer, VerifiedIdentity
from cerulean.identity.grants import TokenRequest
from cerulean.identity.keys import KeyEncryptionKey
from cerulean.identity.managed import ManagedIdentityError, ManagedToken
from cerulean.identity.provider import IdentityProvider
from cerulean.identity.tokens import TokenRejectedError

__all__ = [
    "AccessTokenVerifier",
    "DirectoryRoles",
    "DirectoryService",
    "EntraError",
    "IdentityError",
    "IdentityProvider",
    "KeyEncryptionKey",
    "ManagedIdentityError",
    "ManagedToken",
    "NewSecret",
    "NewWorkload",
    "TokenRejectedError",
    "TokenRequest",
    "TrustedIssuer",
    "VerifiedIdentity",
]
