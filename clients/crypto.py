"""Encryption of stored secrets (API tokens, passwords, secret headers).

Secrets are encrypted with Fernet (AES-128-CBC with an HMAC) from the
`cryptography` package. Keys come from `settings.ENCRYPTION_KEYS`; without
one, a key is derived from `SECRET_KEY`, so changing `SECRET_KEY` then makes
stored secrets unreadable.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SecretUnreadable(Exception):
    """A stored secret could not be decrypted with any configured key."""


def _fernet():
    keys = [key.strip() for key in settings.ENCRYPTION_KEYS if key.strip()]
    if not keys:
        digest = hashlib.sha256(
            b"centra-dashboard-secrets:" + settings.SECRET_KEY.encode()
        ).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    return MultiFernet([Fernet(key.encode()) for key in keys])


def encrypt(plaintext: str) -> str:
    if not plaintext:
        return ""
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    if not ciphertext:
        return ""
    try:
        return _fernet().decrypt(ciphertext.encode()).decode()
    except InvalidToken as error:
        raise SecretUnreadable(
            "The stored secret cannot be decrypted: ENCRYPTION_KEYS or "
            "SECRET_KEY changed since it was saved. Enter the secret again."
        ) from error
