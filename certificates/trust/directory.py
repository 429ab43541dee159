"""The issuer directory published with the keys: what a compact token names by code.

A compact token (certificates/trust/tokens.py) carries the issuer's code and the type codes,
not the texts they stand for: the issuing authority's name, a type's 作业类别 and 操作项目
would cost about 60 bytes of UTF-8 and three QR versions. An offline verifier already
downloads ``/.well-known/certificate-keys.json``; that document also carries::

    "directory": {
      "issuers": {"AJ990000": "示范省应急管理厅", ...},
      "types": {"TZ-DG": {"name": "特种作业操作证（低压电工作业）", "category": "电工作业",
                          "item": "低压电工作业"}, ...}
    }

(extra members of a JWK Set are ignored by JWKS readers, RFC 7517 section 5). A code the
directory does not know is shown as the code: the signature, not the directory, is what makes
a QR genuine, and the directory is display text only.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .tokens import CertificateClaims

DIRECTORY_MEMBER = "directory"
ITEM_SEPARATOR = "、"


@dataclass(frozen=True)
class Directory:
    issuers: Mapping[str, str] = field(default_factory=dict)
    types: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def to_document(self) -> dict[str, Any]:
        return {
            "issuers": dict(sorted(self.issuers.items())),
            "types": {code: dict(self.types[code]) for code in sorted(self.types)},
        }

    @classmethod
    def from_document(cls, document: Mapping[str, Any] | str | bytes | None) -> Directory:
        """From a published keys document (or its ``directory`` member); whatever is not
        of the right shape is left out rather than refused: the text is for display."""
        if isinstance(document, str | bytes):
            document = json.loads(document)
        if not isinstance(document, Mapping):
            return cls()
        body = document.get(DIRECTORY_MEMBER, document)
        if not isinstance(body, Mapping):
            return cls()
        issuers, types = body.get("issuers"), body.get("types")
        return cls(
            issuers={
                k: v
                for k, v in (issuers.items() if isinstance(issuers, Mapping) else ())
                if isinstance(k, str) and isinstance(v, str)
            },
            types={
                k: {f: t for f, t in v.items() if isinstance(f, str) and isinstance(t, str)}
                for k, v in (types.items() if isinstance(types, Mapping) else ())
                if isinstance(k, str) and isinstance(v, Mapping)
            },
        )

    def type_field(self, code: str, name: str) -> str | None:
        return self.types.get(code, {}).get(name) or None

    def describe(self, claims: CertificateClaims) -> CertificateClaims:
        """The claims with the texts a compact token names by code filled in (what a full
        token spells out); claims that carry them already come back unchanged."""
        category = claims.category or self.type_field(claims.type_code, "category")
        item = claims.item
        if not item:
            codes = claims.item_codes or (claims.type_code,)
            names = [self.type_field(code, "item") or code for code in codes]
            item = ITEM_SEPARATOR.join(names) if claims.item_codes else names[0]
            if not claims.item_codes and item == claims.type_code:
                item = None  # the type has no item of its own (not a 特种作业 card)
        issuer_name = claims.issuer_name or self.issuers.get(claims.issuer)
        return dataclasses.replace(claims, category=category, item=item, issuer_name=issuer_name)
