"""The Tech Bar counter's input: the scan list its screen carries on every post (and through the
leaver line pages and back), the next code scanned, and the person's confirmation (the tick, and
the conditions of use shown to them). Lenient on purpose: a code is never refused here, the scan
rules say what is wrong with it, and nothing on the list is lost to a form error."""

from django import forms

from devices.core.models import Assignment
from devices.counter.services import MAX_LINES, CounterAcceptance
from policy.forms import AcceptForm
from policy.models import PolicyVersion
from portal.models import User

CARRIED_CODE_LENGTH = 100  # longer than any asset tag, IMEI or serial number; keeps the URL short
CONDITION_LENGTH = 200


class PostedText(forms.Field):
    """Text as posted, never an error: a NUL or an unknown value is the scan rules' to explain."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        return value if isinstance(value, str) else ""


class ScannedCode(PostedText):
    """What the scanner (or a person) typed: trimmed, and cut to the length the field allows."""

    def to_python(self, value):
        return super().to_python(value).strip()[:CARRIED_CODE_LENGTH]


class Condition(PostedText):
    def to_python(self, value):
        # control characters (NUL) are never typed, and PostgreSQL refuses NUL in text
        text = "".join(c for c in super().to_python(value) if c >= " " or c in "\n\t")
        return text.strip()[:CONDITION_LENGTH]


class ReturnReason(PostedText):
    """A reason the counter offers; anything else reads as not chosen, as the select shows it."""

    def to_python(self, value):
        value = super().to_python(value)
        return value if value in Assignment.COUNTER_REASONS else ""


class CodeList(forms.Field):
    """One column of the list, as hidden inputs of one name: at most `limit` codes (the last ones
    when `last`)."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, limit: int = MAX_LINES, last: bool = False, **kwargs):
        self.limit, self.last = limit, last
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        codes = [value] if isinstance(value, str) else [code for code in value or () if isinstance(code, str)]
        return codes[-self.limit :] if self.last else codes[: self.limit]


class Quantity(PostedText):
    """A quantity typed for an accessory line: a whole number, or 0 (read as "not given")."""

    def to_python(self, value):
        text = super().to_python(value).strip()
        return int(text) if text.isdigit() and len(text) < 5 else 0


def accessory_key(direction: str, code: str) -> str:
    return f"{direction}:{code}"


class ScanListForm(forms.Form):
    """The scan list as the counter form posts it: codes taking back (each with a reason and a
    condition field of its own), handing over and refused (the last few), and the line the
    person chose to remove."""

    take = CodeList()
    give = CodeList()
    refused = CodeList(limit=5, last=True)
    remove = PostedText()
    # Accessories: "give:CODE" or "take:CODE", each with its quantity as "qty-give:CODE"; and the
    # kind, direction and quantity chosen to add one (the "Add accessory" button).
    acc = CodeList()
    acc_kind = ScannedCode()
    acc_direction = PostedText()
    acc_qty = Quantity()
    action = PostedText()

    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        for code in self.fields["take"].to_python(self["take"].data):
            self.fields[f"reason-{code}"] = ReturnReason()
            self.fields[f"condition-{code}"] = Condition()
        for key in self.fields["acc"].to_python(self["acc"].data):
            self.fields[f"qty-{key}"] = Quantity()

    def accessory_lines(self) -> list[tuple[str, int, str]]:
        """(code, quantity, direction) as posted, without the line removed, then the one added."""
        data, lines = self.cleaned_data, []
        for key in data["acc"]:
            direction, _, code = key.partition(":")
            if direction in ("give", "take") and code and f"acc:{key}" != data["remove"]:
                lines.append((code, data[f"qty-{key}"], direction))
        if data["action"] == "add_accessory" and data["acc_kind"]:
            direction = data["acc_direction"] if data["acc_direction"] in ("give", "take") else "give"
            lines.append((data["acc_kind"], data["acc_qty"] or 1, direction))
        return lines

    def lines(self) -> dict:
        """The list to rebuild (CounterScanList.restore), without the line removed."""
        data = self.cleaned_data
        kept = [code for code in data["take"] if code != data["remove"]]
        return {
            "take": [(code, data[f"reason-{code}"], data[f"condition-{code}"]) for code in kept],
            "give": [code for code in data["give"] if code != data["remove"]],
            "refused": data["refused"],
            "accessories": self.accessory_lines(),
        }

    def carried(self) -> list[tuple[str, str]]:
        """The list as query pairs, carried through a leaver line's page (Received, Mark lost,
        Write off) and back to the counter screen, where it is checked again like any posted list."""
        data, pairs = self.cleaned_data, []
        for name in ("take", "give", "refused"):
            for code in data[name]:
                pairs.append((name, code[:CARRIED_CODE_LENGTH]))
                for extra in ("reason", "condition") if name == "take" else ():
                    if data[f"{extra}-{code}"]:
                        pairs.append((f"{extra}-{code[:CARRIED_CODE_LENGTH]}", data[f"{extra}-{code}"]))
        for key in data["acc"]:
            pairs += [("acc", key), (f"qty-{key}", str(data[f"qty-{key}"]))]
        return pairs


class CounterScanForm(forms.Form):
    """The scan field and the button pressed: a code to place, or "confirm"."""

    code = ScannedCode()
    action = PostedText()

    @property
    def confirming(self) -> bool:
        return self.cleaned_data["action"] == "confirm"


class CounterConfirmForm(forms.Form):
    """The person's tick under the list, and the conditions-of-use versions shown to them on the
    screen (a signed token each): valid, it holds the acceptance to record, or None."""

    confirmed = forms.ChoiceField(choices=[("yes", "yes")])

    def __init__(self, data, *, person: User, versions: list[PolicyVersion], ip_address=None, user_agent=""):
        super().__init__(data)
        self.person, self.versions = person, versions
        self.ip_address, self.user_agent = ip_address, user_agent
        self.acceptance: CounterAcceptance | None = None
        tick = f"{person.get_full_name()} must tick the box to confirm the devices below."
        self.fields["confirmed"].error_messages = {"required": tick, "invalid_choice": tick}
        for version in versions:
            self.fields[f"shown-{version.pk}"] = PostedText()

    def clean(self):
        cleaned = super().clean()
        if "confirmed" not in cleaned:
            return cleaned  # the conditions are read as accepted only with the tick
        accepted, shown_at = [], None
        for version in self.versions:
            token = cleaned[f"shown-{version.pk}"]
            if not token:
                continue  # not shown on the page the person confirmed (published since): not accepted
            form = AcceptForm({"shown": token, "confirm": "on"}, user=self.person, version=version)
            if not form.is_valid():
                raise forms.ValidationError(
                    " ".join(form.non_field_errors()) or "The conditions of use shown were not recorded."
                )
            shown = form.cleaned_data["shown"]
            if shown.version_id != version.pk or shown.content_hash != version.content_hash:
                raise forms.ValidationError(
                    "The conditions of use changed while the page was open: read the new text with them."
                )
            accepted.append(version)
            shown_at = shown.shown_at if shown_at is None else min(shown_at, shown.shown_at)
        if accepted:
            self.acceptance = CounterAcceptance(
                versions=accepted, shown_at=shown_at, ip_address=self.ip_address, user_agent=self.user_agent
            )
        return cleaned

    def problems(self) -> list[str]:
        """What stops the confirm, in the order the screen lists them: the tick, then the conditions."""
        return [*self.errors.get("confirmed", ()), *self.non_field_errors()]
