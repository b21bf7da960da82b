"""A protected number (ID or phone number) as one model attribute over the columns that store it.

A number is never stored as such: the model keeps `<name>_enc` (encrypted, `core.crypto`),
`<name>_masked` (what pages show, `core.masking`) and, where the number is looked up,
`<name>_hash` (keyed hash, exact lookup and de-duplication). Declared once on the model beside
those columns, `ProtectedNumber` is the only way to write them, so no part can go stale:

    phone = ProtectedNumber(purpose="phone", mask=mask_phone, normalize=normalize_phone)

- ``person.phone = raw`` (or ``Person(phone=raw)``, ``objects.create(phone=raw)``) normalises
  `raw` and fills every part at once; ``""`` or ``None`` clears them all.
- ``person.phone`` reads a `Protected`: ``str()`` is the mask; ``.reveal()`` decrypts, for the
  unmask paths only (they check the right and write the access log first).
- ``Person.phone.columns(raw)``: the same values as a dict, for ``create(**…)`` and rows
  written without model instances; bulk imports that compare rows before writing them use
  ``derived(clean)`` (deterministic parts) and add ``sealed(clean)`` to each row they write.
- ``Person.phone.q(raw)``: the lookup by keyed hash, named on the model's queryset
  (``Person.objects.by_phone(raw)``).
- Saving an instance whose parts disagree (one column set by hand) raises
  `InconsistentProtectedNumber` before anything is written.

It is a `property` so that Django's model constructor and `create()` accept it as a keyword.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models.signals import pre_save

from outpost.core.crypto import decrypt, encrypt, keyed_hash

__all__ = ["InconsistentProtectedNumber", "Protected", "ProtectedNumber"]


class InconsistentProtectedNumber(ValueError):
    """The stored parts of one number do not describe the same number."""


@dataclass(frozen=True)
class Protected:
    """A stored number as read from a model: shown masked, revealed only on request."""

    masked: str
    token: str

    def __str__(self) -> str:
        return self.masked

    def __bool__(self) -> bool:
        return bool(self.token)

    def reveal(self) -> str:
        """The whole number ("" when none is stored). Only behind the unmask right and log."""
        return decrypt(self.token) if self.token else ""


class ProtectedNumber(property):
    def __init__(
        self,
        *,
        purpose: str,
        mask: Callable[[str], str],
        normalize: Callable[[str], str] | None = None,
        hashed: bool = True,
        tail: tuple[str, int] | None = None,
    ) -> None:
        super().__init__(self._read, self._write, doc=f"protected number ({purpose})")
        self.purpose, self.mask, self.normalize = purpose, mask, normalize
        self.hashed, self.tail = hashed, tail  # tail: (column, n) keeps the last n in clear
        self.name = ""

    def contribute_to_class(self, cls: type[models.Model], name: str) -> None:
        self.name = name
        setattr(cls, name, self)
        uid = f"protected-number:{cls.__module__}.{cls.__qualname__}.{name}"
        pre_save.connect(self._check_saved, sender=cls, weak=False, dispatch_uid=uid)

    @property
    def parts(self) -> list[str]:
        """The concrete columns this number owns."""
        names = [f"{self.name}_enc", f"{self.name}_masked"]
        names += [f"{self.name}_hash"] if self.hashed else []
        return names + ([self.tail[0]] if self.tail else [])

    def clean(self, raw: str | None) -> str:
        """The normalised number (FieldProblem or the normaliser's own error when invalid)."""
        text = (raw or "").strip()
        return self.normalize(text) if text and self.normalize else text

    def columns(self, raw: str | None) -> dict[str, str]:
        """Every part's value for a number as written ("" or None clears them all)."""
        clean = self.clean(raw)
        return {**self.sealed(clean), **self.derived(clean)}

    def sealed(self, clean: str) -> dict[str, str]:
        """The encrypted part alone. Bulk writers that compare `derived` values first (to
        skip unchanged rows without encrypting them) add this to every row they write."""
        return {f"{self.name}_enc": encrypt(clean) if clean else ""}

    def digest(self, clean: str) -> str:
        return keyed_hash(clean, purpose=self.purpose) if clean else ""

    def q(self, raw: str) -> models.Q:
        """Rows holding exactly this number (the normaliser's error, FieldProblem, if invalid)."""
        if not self.hashed:
            raise TypeError(f"{self.name} is stored without a hash and cannot be looked up")
        clean = self.normalize(raw) if self.normalize else (raw or "").strip()
        if not clean:
            raise ValueError("an empty number cannot be looked up")
        return models.Q(**{f"{self.name}_hash": self.digest(clean)})

    def derived(self, clean: str) -> dict[str, str]:
        """The parts computed from the number itself (mask, hash, clear tail): deterministic,
        so they can be compared with stored rows."""
        values = {f"{self.name}_masked": self.mask(clean)}
        if self.hashed:
            values[f"{self.name}_hash"] = self.digest(clean)
        if self.tail:
            values[self.tail[0]] = clean[-self.tail[1] :] if clean else ""
        return values

    def _read(self, instance: models.Model) -> Protected:
        name = self.name
        return Protected(getattr(instance, f"{name}_masked"), getattr(instance, f"{name}_enc"))

    def _write(self, instance: models.Model, raw: str | None) -> None:
        for column, value in self.columns(raw).items():
            setattr(instance, column, value)

    def check(self, instance: models.Model) -> None:
        """InconsistentProtectedNumber unless every part follows from the encrypted number."""
        token = getattr(instance, f"{self.name}_enc")
        expected = self.derived(decrypt(token) if token else "")
        for column, want in expected.items():
            have = getattr(instance, column)
            if have != want:
                raise InconsistentProtectedNumber(
                    f"{type(instance).__name__}.{column} does not match {self.name}_enc: "
                    f"set {self.name} as a whole (instance.{self.name} = raw)"
                )

    def _check_saved(
        self, sender: type, instance: models.Model, raw: bool = False, **kwargs: Any
    ) -> None:
        update_fields = kwargs.get("update_fields")
        if raw or (update_fields is not None and not set(update_fields) & set(self.parts)):
            return  # fixtures as dumped, or a save that writes none of the parts
        self.check(instance)
