"""The preview pages' texts in German and English (``?lang=de`` default, ``?lang=en``)."""

from __future__ import annotations

__all__ = ["LANGS", "TEXTS", "pick_lang"]

LANGS = ("de", "en")
TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "title": "Nachweisvorschau", "skip": "Zum Inhalt springen",
        "intro": "Eine Behörde in einem anderen EU-Staat möchte einen Nachweis aus dem "
                 "deutschen Handelsregister abrufen. Bitte prüfen Sie ihn, bevor er übermittelt "
                 "wird.",
        "requester": "Anfragende Stelle", "login_heading": "Anmeldung",
        "login_text": "Melden Sie sich als vertretungsberechtigte Person des Unternehmens "
                      "mit Ihrer eID an (Servicekonto.NRW / eIDAS).",
        "login": "Mit eID anmelden", "logged_in": "Angemeldet als",
        "evidence": "Nachweis", "officers": "Vertretungsberechtigte und Prokuristen",
        "name": "Name", "role": "Funktion", "born": "Geburtsdatum",
        "decision": "Entscheidung", "approve": "Nachweis freigeben",
        "refuse": "Übermittlung ablehnen",
        "approved": "Sie haben den Nachweis freigegeben. Er wird jetzt übermittelt.",
        "refused": "Sie haben die Übermittlung abgelehnt. Es werden keine Daten übermittelt.",
        "back": "Zurück zum Portal", "expired": "Diese Vorschau ist abgelaufen.",
        "unknown": "Diese Vorschau ist unbekannt.", "released": "Der Nachweis wurde bereits "
                                                             "übermittelt.",
        "not_allowed": "Sie dürfen diesen Nachweis nicht freigeben",
        "not_entitled": "Die angemeldete Person ist keine eingetragene vertretungsberechtigte "
                        "Person dieses Unternehmens, oder das Vertrauensniveau der eID reicht "
                        "nicht aus. Bitte melden Sie sich als vertretungsberechtigte Person an.",
        "error_title": "Fehler", "lang_other": "English", "deadline": "Entscheiden Sie bis",
        "company_name": "Firma", "euid": "EUID", "court": "Registergericht",
        "register": "Registerblatt", "registered_on": "Ersteintragung",
        "legal_form": "Rechtsform", "status": "Status", "seat": "Sitz",
        "address": "Anschrift", "capital": "Kapital", "purpose": "Gegenstand",
        "pdf_note": "Zusätzlich wird eine elektronisch gesiegelte PDF-Fassung übermittelt.",
        "status_active": "aktiv", "status_deleted": "gelöscht",
        "status_insolvency": "Insolvenzverfahren eröffnet",
    },
    "en": {
        "title": "Evidence preview", "skip": "Skip to content",
        "intro": "An authority in another EU member state wants to retrieve evidence from "
                 "the German commercial register. Please review it before it is sent.",
        "requester": "Requesting authority", "login_heading": "Log in",
        "login_text": "Log in with your eID as a person authorised to represent the company "
                      "(Servicekonto.NRW / eIDAS).",
        "login": "Log in with eID", "logged_in": "Logged in as",
        "evidence": "Evidence", "officers": "Representatives and authorised officers",
        "name": "Name", "role": "Role", "born": "Date of birth",
        "decision": "Decision", "approve": "Approve the evidence",
        "refuse": "Refuse to share",
        "approved": "You approved the evidence. It is being sent now.",
        "refused": "You refused to share the evidence. Nothing will be sent.",
        "back": "Back to the portal", "expired": "This preview has expired.",
        "unknown": "This preview is unknown.", "released": "The evidence was already sent.",
        "not_allowed": "You may not approve this evidence",
        "not_entitled": "The person logged in is not a registered representative of this "
                        "company, or the eID's level of assurance is too low. Please log in "
                        "as a person authorised to represent the company.",
        "error_title": "Error", "lang_other": "Deutsch", "deadline": "Decide before",
        "company_name": "Company name", "euid": "EUID", "court": "Register court",
        "register": "Register entry", "registered_on": "First registration",
        "legal_form": "Legal form", "status": "Status", "seat": "Registered seat",
        "address": "Address", "capital": "Capital", "purpose": "Purpose",
        "pdf_note": "An electronically sealed PDF version is sent as well.",
        "status_active": "active", "status_deleted": "deleted (struck off)",
        "status_insolvency": "insolvency proceedings opened",
    },
}


def pick_lang(value: str | None, accept_language: str | None = None) -> str:
    """``?lang=`` if supported, else the first supported Accept-Language, else German."""
    if value in LANGS:
        return str(value)
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip()[:2].lower()
        if code in LANGS:
            return code
    return "de"
