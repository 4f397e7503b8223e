"""Texts of the registration assistant in German (default) and English (``?lang=en``)."""

from __future__ import annotations

__all__ = ["FIELD_LABELS", "LANGS", "TEXTS", "pick_lang"]

LANGS = ("de", "en")
TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "title": "Gewerbeanmeldung für Unternehmen aus den Niederlanden und Österreich",
        "skip": "Zum Inhalt springen", "lang_other": "English",
        "intro": "Ihre Unternehmensdaten holen wir mit Ihrer Zustimmung direkt beim "
                 "Handelsregister Ihres Landes ab (EU Once-Only). Sie ergänzen nur, was dort "
                 "nicht steht.",
        "number": "Registernummer (KVK-nummer oder Firmenbuchnummer)",
        "number_hint": "z. B. 59581883 (KVK) oder FN 473888w (Firmenbuch)",
        "fetch_nl": "Aus dem niederländischen Handelsregister (KVK) abrufen",
        "fetch_at": "Aus dem österreichischen Firmenbuch abrufen",
        "fetching": "Ihr Nachweis wird abgerufen. Diese Seite aktualisiert sich von selbst.",
        "reload": "Seite aktualisieren",
        "preview": "Das Register bittet Sie, den Nachweis vor der Übermittlung zu prüfen.",
        "to_preview": "Zur Vorschau beim Register",
        "failed": "Der Nachweis konnte nicht abgerufen werden.",
        "retry": "Erneut versuchen", "restart": "Andere Registernummer eingeben",
        "resume": "Mit diesem Link können Sie später weitermachen:",
        "prefilled": "Aus dem Register übernommen", "field": "Angabe", "value": "Wert",
        "source": "Herkunft", "evidence": "Nachweis",
        "unmapped": "Diese Angaben aus dem Register haben keine Entsprechung in der deutschen "
                    "Gewerbeanzeige. Sie werden nicht geraten; die Anmeldung ist so nicht "
                    "möglich. Bitte wenden Sie sich an das Gewerbeamt.",
        "yours": "Ihre Angaben", "activity": "Tätigkeit (Gegenstand des Gewerbes)",
        "start_date": "Beginn der Tätigkeit", "address": "Anschrift der Betriebsstätte",
        "address_hint": "Straße Hausnummer, PLZ (z. B. Spremberger Str. 90, 03046)",
        "municipality": "Gemeinde (Gemeindeschlüssel)", "choose": "Bitte wählen",
        "full_time": "Vollzeitbeschäftigte", "part_time": "Teilzeitbeschäftigte",
        "kind": "Art des Betriebs", "kind_other": "Sonstiges", "kind_trade": "Handel",
        "kind_craft": "Handwerk", "kind_industry": "Industrie",
        "submit": "Gewerbe anmelden", "incomplete": "Bitte ergänzen oder korrigieren Sie:",
        "not_delivered": "Die Anmeldung wurde nicht übermittelt. Ihre Angaben sind gespeichert; "
                         "versuchen Sie es erneut.",
        "done": "Ihre Gewerbeanmeldung ist eingegangen.", "authority": "Gewerbeamt",
        "record": "Vorgangsnummer", "received_at": "Eingegangen am", "digest": "Prüfsumme",
        "unknown": "Dieser Link ist ungültig oder abgelaufen.", "error_title": "Fehler",
        "bad_start": "Bitte prüfen Sie Ihre Eingabe:", "start": "Start",
    },
    "en": {
        "title": "Trade registration for companies from the Netherlands and Austria",
        "skip": "Skip to content", "lang_other": "Deutsch",
        "intro": "With your consent we fetch your company data directly from your country's "
                 "business register (EU once-only). You only add what the register does not "
                 "hold.",
        "number": "Register number (KVK number or Firmenbuch number)",
        "number_hint": "e.g. 59581883 (KVK) or FN 473888w (Firmenbuch)",
        "fetch_nl": "Fetch from the Dutch business register (KVK)",
        "fetch_at": "Fetch from the Austrian company register (Firmenbuch)",
        "fetching": "Your evidence is being fetched. This page refreshes by itself.",
        "reload": "Refresh the page",
        "preview": "The register asks you to check the evidence before it is sent.",
        "to_preview": "Go to the register's preview",
        "failed": "The evidence could not be fetched.",
        "retry": "Try again", "restart": "Enter another register number",
        "resume": "With this link you can continue later:",
        "prefilled": "Taken from the register", "field": "Item", "value": "Value",
        "source": "Source", "evidence": "evidence",
        "unmapped": "These register values have no counterpart in the German trade "
                    "notification. They are not guessed; the registration is not possible "
                    "like this. Please contact the trade office.",
        "yours": "Your details", "activity": "Activity (object of the trade)",
        "start_date": "Start of the activity", "address": "Address of the establishment",
        "address_hint": "street number, postcode (e.g. Spremberger Str. 90, 03046)",
        "municipality": "Municipality (municipality key)", "choose": "Please choose",
        "full_time": "Full-time employees", "part_time": "Part-time employees",
        "kind": "Kind of business", "kind_other": "Other", "kind_trade": "Trade",
        "kind_craft": "Craft", "kind_industry": "Industry",
        "submit": "Register the trade", "incomplete": "Please complete or correct:",
        "not_delivered": "The registration was not delivered. Your details are saved; "
                         "please try again.",
        "done": "Your trade registration has been received.", "authority": "Trade office",
        "record": "Reference", "received_at": "Received at", "digest": "Checksum",
        "unknown": "This link is not valid or has expired.", "error_title": "Error",
        "bad_start": "Please check your input:", "start": "Start",
    },
}
FIELD_LABELS: dict[str, dict[str, str]] = {
    "de": {"name": "Firma", "legal_form": "Rechtsform", "seat": "Sitz",
           "address": "Anschrift (Sitz)", "register_number": "Registernummer",
           "register_authority": "Registerbehörde", "representatives": "Vertretung",
           "activity": "Tätigkeit", "start_date": "Beginn", "street": "Straße",
           "house_number": "Hausnummer", "postcode": "Postleitzahl", "city": "Ort",
           "ags": "Gemeinde", "full_time_employees": "Vollzeitbeschäftigte",
           "part_time_employees": "Teilzeitbeschäftigte", "kind": "Art des Betriebs",
           "country": "Land", "establishment_address": "Anschrift der Betriebsstätte"},
    "en": {"name": "Company name", "legal_form": "Legal form", "seat": "Registered seat",
           "address": "Registered address", "register_number": "Register number",
           "register_authority": "Register authority", "representatives": "Representatives",
           "activity": "Activity", "start_date": "Start", "street": "Street",
           "house_number": "House number", "postcode": "Postcode", "city": "City",
           "ags": "Municipality", "full_time_employees": "Full-time employees",
           "part_time_employees": "Part-time employees", "kind": "Kind of business",
           "country": "Country", "establishment_address": "Address of the establishment"},
}


def pick_lang(query: str | None, accept: str | None = None) -> str:
    """``?lang=`` first, then the browser's Accept-Language, else German."""
    if query in LANGS:
        return str(query)
    for part in (accept or "").split(","):
        code = part.split(";")[0].strip()[:2].lower()
        if code in LANGS:
            return code
    return "de"
