"""The words of every reply in each shipped language (GSM-7 only: system text never costs UCS-2)."""

from __future__ import annotations

from typing import Final

from .outcomes import Note
from .phrases_doors import DOORS

# Keys: device states, report sentences, notes (by Note value), and the fixed replies.
_BASE: Final[dict[str, dict[str, str]]] = {
    "en": {
        Note.READ_ONLY: "{subject}: can only be read.",
        "toggle": "toggle",
        Note.CONFIRM: "Reply {subject} within {minutes} min to confirm: {commands}.",
        Note.WRONG_CODE: "Wrong code: nothing was done.",
        Note.CODE_EXPIRED: "Code expired: nothing was done.",
        Note.NO_PENDING: "No command is waiting for a code.",
        "on": "ON",
        "off": "OFF",
        "offline": "offline",
        "not_found": "not found",
        "starting": "starting up",
        "unknown": "unknown",
        "skipped": "{name}: skipped, out of time (still {before}).",
        "not_asked": "{name}: {observed} (not what was asked).",
        "no_response_follow": (
            "{name}: no response yet (still {observed}). If it switches within "
            "{minutes} min, a text follows."
        ),
        "no_response": "{name}: no response yet (still {observed}); it may still switch.",
        "late": "{name}: {observed} (late: the earlier command ran).",
        "failed": "{name}: failed (still {observed}).",
        Note.NO_DEVICES: "No devices are set up for this number.",
        Note.NAME_ONE: (
            "Several devices: name one, e.g. '{subject} on'. Text COMMANDS for the list."
        ),
        Note.UNKNOWN_DEVICE: "Unknown device '{subject}'. Text COMMANDS for the list.",
        Note.NOT_PERMITTED: "{subject}: not permitted for this number.",
        Note.STATUS_ONLY: "Not permitted: this number can only check status.",
        Note.NOT_A_LIGHT: "{subject}: is a switch, use on or off.",
        Note.NOT_UNDERSTOOD: "Not understood: '{subject}'. Text COMMANDS for commands.",
        Note.TRUNCATED: "Only the first 10 commands were read.",
        "devices": "Devices",
        "none": "none",
        "slow_down": (
            "Slow down: at most {rate} commands a minute. Later messages are ignored."
        ),
        "pin_reminder": (
            "Start each text to this number with your PIN, e.g. '1234 relay on'."
        ),
        "stranger": "This number does not accept messages from you.",
        "sorry": "Sorry, something went wrong. Please try again.",
    },
    "de": {
        Note.READ_ONLY: "{subject}: kann nur gelesen werden.",
        "toggle": "umschalten",
        Note.CONFIRM: (
            "Antworten Sie binnen {minutes} Min. mit {subject}, um zu bestätigen: "
            "{commands}."
        ),
        Note.WRONG_CODE: "Falscher Code: nichts wurde ausgeführt.",
        Note.CODE_EXPIRED: "Code abgelaufen: nichts wurde ausgeführt.",
        Note.NO_PENDING: "Kein Befehl wartet auf einen Code.",
        "on": "AN",
        "off": "AUS",
        "offline": "offline",
        "not_found": "nicht gefunden",
        "starting": "startet",
        "unknown": "unbekannt",
        "skipped": "{name}: übersprungen, keine Zeit mehr (noch {before}).",
        "not_asked": "{name}: {observed} (nicht wie verlangt).",
        "no_response_follow": (
            "{name}: noch keine Antwort (noch {observed}). Schaltet es binnen "
            "{minutes} Min., folgt eine SMS."
        ),
        "no_response": (
            "{name}: noch keine Antwort (noch {observed}); es kann noch schalten."
        ),
        "late": "{name}: {observed} (verspätet: der frühere Befehl lief).",
        "failed": "{name}: fehlgeschlagen (noch {observed}).",
        Note.NO_DEVICES: "Für diese Nummer sind keine Geräte eingerichtet.",
        Note.NAME_ONE: (
            "Mehrere Geräte: nennen Sie eines, z. B. 'schalte {subject} an'. "
            "COMMANDS zeigt die Liste."
        ),
        Note.UNKNOWN_DEVICE: "Unbekanntes Gerät '{subject}'. COMMANDS zeigt die Liste.",
        Note.NOT_PERMITTED: "{subject}: für diese Nummer nicht erlaubt.",
        Note.STATUS_ONLY: "Nicht erlaubt: diese Nummer darf nur den Status abfragen.",
        Note.NOT_A_LIGHT: "{subject}: ist ein Schalter, nur an oder aus.",
        Note.NOT_UNDERSTOOD: "Nicht verstanden: '{subject}'. COMMANDS zeigt die Befehle.",
        Note.TRUNCATED: "Nur die ersten 10 Befehle wurden gelesen.",
        "devices": "Geräte",
        "none": "keine",
        "slow_down": (
            "Langsamer: höchstens {rate} Befehle pro Minute. Weitere SMS werden ignoriert."
        ),
        "pin_reminder": (
            "Beginnen Sie jede SMS an diese Nummer mit Ihrer PIN, z. B. '1234 relay on'."
        ),
        "stranger": "Diese Nummer nimmt keine Nachrichten von Ihnen an.",
        "sorry": "Leider ist ein Fehler aufgetreten. Bitte erneut versuchen.",
    },
    "fr": {
        Note.READ_ONLY: "{subject}: en lecture seule.",
        "toggle": "basculer",
        Note.CONFIRM: "Répondez {subject} d'ici {minutes} min pour confirmer: {commands}.",
        Note.WRONG_CODE: "Code erroné: rien n'a été fait.",
        Note.CODE_EXPIRED: "Code expiré: rien n'a été fait.",
        Note.NO_PENDING: "Aucune commande n'attend de code.",
        "on": "ALLUMÉ",
        "off": "ÉTEINT",
        "offline": "hors ligne",
        "not_found": "introuvable",
        "starting": "démarrage",
        "unknown": "inconnu",
        "skipped": "{name}: ignoré, plus de temps (toujours {before}).",
        "not_asked": "{name}: {observed} (pas ce qui était demandé).",
        "no_response_follow": (
            "{name}: pas encore de réponse (toujours {observed}). S'il change d'ici "
            "{minutes} min, un SMS suivra."
        ),
        "no_response": (
            "{name}: pas encore de réponse (toujours {observed}); il peut encore changer."
        ),
        "late": "{name}: {observed} (en retard: la commande précédente a agi).",
        "failed": "{name}: échec (toujours {observed}).",
        Note.NO_DEVICES: "Aucun appareil n'est configuré pour ce numéro.",
        Note.NAME_ONE: (
            "Plusieurs appareils: nommez-en un, p. ex. 'allume {subject}'. "
            "COMMANDS donne la liste."
        ),
        Note.UNKNOWN_DEVICE: "Appareil inconnu '{subject}'. COMMANDS donne la liste.",
        Note.NOT_PERMITTED: "{subject}: non autorisé pour ce numéro.",
        Note.STATUS_ONLY: "Non autorisé: ce numéro peut seulement consulter l'état.",
        Note.NOT_A_LIGHT: "{subject}: est un interrupteur, allumer ou éteindre seulement.",
        Note.NOT_UNDERSTOOD: "Pas compris: '{subject}'. COMMANDS donne les commandes.",
        Note.TRUNCATED: "Seules les 10 premières commandes ont été lues.",
        "devices": "Appareils",
        "none": "aucun",
        "slow_down": (
            "Plus lentement: au plus {rate} commandes par minute. "
            "Les messages suivants sont ignorés."
        ),
        "pin_reminder": (
            "Commencez chaque SMS à ce numéro par votre PIN, p. ex. '1234 relay on'."
        ),
        "stranger": "Ce numéro n'accepte pas vos messages.",
        "sorry": "Désolé, une erreur est survenue. Veuillez réessayer.",
    },
    "es": {
        Note.READ_ONLY: "{subject}: solo lectura.",
        "toggle": "alternar",
        Note.CONFIRM: "Responda {subject} en {minutes} min para confirmar: {commands}.",
        Note.WRONG_CODE: "Codigo incorrecto: no se hizo nada.",
        Note.CODE_EXPIRED: "Codigo caducado: no se hizo nada.",
        Note.NO_PENDING: "Ninguna orden espera un codigo.",
        "on": "ENCENDIDO",
        "off": "APAGADO",
        "offline": "desconectado",
        "not_found": "no encontrado",
        "starting": "iniciando",
        "unknown": "desconocido",
        "skipped": "{name}: omitido, sin tiempo (sigue {before}).",
        "not_asked": "{name}: {observed} (no es lo pedido).",
        "no_response_follow": (
            "{name}: sin respuesta aun (sigue {observed}). Si cambia en {minutes} min, "
            "llegara un SMS."
        ),
        "no_response": "{name}: sin respuesta aun (sigue {observed}); puede que aun cambie.",
        "late": "{name}: {observed} (tarde: se ejecuto la orden anterior).",
        "failed": "{name}: fallo (sigue {observed}).",
        Note.NO_DEVICES: "No hay dispositivos para este numero.",
        Note.NAME_ONE: (
            "Varios dispositivos: nombre uno, p. ej. 'enciende {subject}'. "
            "COMMANDS da la lista."
        ),
        Note.UNKNOWN_DEVICE: "Dispositivo desconocido '{subject}'. COMMANDS da la lista.",
        Note.NOT_PERMITTED: "{subject}: no permitido para este numero.",
        Note.STATUS_ONLY: "No permitido: este numero solo puede consultar el estado.",
        Note.NOT_A_LIGHT: "{subject}: es un interruptor, solo encender o apagar.",
        Note.NOT_UNDERSTOOD: "No entendido: '{subject}'. COMMANDS da las ordenes.",
        Note.TRUNCATED: "Solo se leyeron las 10 primeras ordenes.",
        "devices": "Dispositivos",
        "none": "ninguno",
        "slow_down": (
            "Mas despacio: como maximo {rate} ordenes por minuto. "
            "Se ignoran los siguientes mensajes."
        ),
        "pin_reminder": (
            "Empiece cada SMS a este numero con su PIN, p. ej. '1234 relay on'."
        ),
        "stranger": "Este numero no acepta sus mensajes.",
        "sorry": "Lo siento, algo fallo. Intentelo de nuevo.",
    },
    "nl": {
        Note.READ_ONLY: "{subject}: kan alleen gelezen worden.",
        "toggle": "omschakelen",
        Note.CONFIRM: "Antwoord {subject} binnen {minutes} min om te bevestigen: {commands}.",
        Note.WRONG_CODE: "Verkeerde code: er is niets gedaan.",
        Note.CODE_EXPIRED: "Code verlopen: er is niets gedaan.",
        Note.NO_PENDING: "Er wacht geen commando op een code.",
        "on": "AAN",
        "off": "UIT",
        "offline": "offline",
        "not_found": "niet gevonden",
        "starting": "start op",
        "unknown": "onbekend",
        "skipped": "{name}: overgeslagen, geen tijd meer (nog {before}).",
        "not_asked": "{name}: {observed} (niet wat gevraagd was).",
        "no_response_follow": (
            "{name}: nog geen antwoord (nog {observed}). Schakelt het binnen "
            "{minutes} min, dan volgt een sms."
        ),
        "no_response": "{name}: nog geen antwoord (nog {observed}); het kan nog schakelen.",
        "late": "{name}: {observed} (te laat: het eerdere commando liep).",
        "failed": "{name}: mislukt (nog {observed}).",
        Note.NO_DEVICES: "Er zijn geen apparaten ingesteld voor dit nummer.",
        Note.NAME_ONE: (
            "Meerdere apparaten: noem er een, bv. 'zet {subject} aan'. "
            "COMMANDS geeft de lijst."
        ),
        Note.UNKNOWN_DEVICE: "Onbekend apparaat '{subject}'. COMMANDS geeft de lijst.",
        Note.NOT_PERMITTED: "{subject}: niet toegestaan voor dit nummer.",
        Note.STATUS_ONLY: "Niet toegestaan: dit nummer mag alleen de status opvragen.",
        Note.NOT_A_LIGHT: "{subject}: is een schakelaar, alleen aan of uit.",
        Note.NOT_UNDERSTOOD: "Niet begrepen: '{subject}'. COMMANDS geeft de commando's.",
        Note.TRUNCATED: "Alleen de eerste 10 commando's zijn gelezen.",
        "devices": "Apparaten",
        "none": "geen",
        "slow_down": (
            "Rustig aan: hoogstens {rate} commando's per minuut. "
            "Volgende berichten worden genegeerd."
        ),
        "pin_reminder": (
            "Begin elke sms aan dit nummer met uw pincode, bv. '1234 relay on'."
        ),
        "stranger": "Dit nummer neemt geen berichten van u aan.",
        "sorry": "Sorry, er ging iets mis. Probeer het opnieuw.",
    },
}

PHRASES: Final = {language: said | DOORS[language] for language, said in _BASE.items()}

# Help beyond the device list, by language: the terse grammar (English words) and examples.
EXAMPLES: Final[dict[str, tuple[str, str]]] = {
    # (can control, status only); {first} is the first device's name.
    "de": (
        "Z. B.: schalte {first} an, schalte {first} aus, STATUS.",
        "Z. B.: ist {first} an?, STATUS.",
    ),
    "fr": (
        "P. ex.: allume {first}, éteins {first}, STATUS.",
        "P. ex.: est-ce que {first} est allumé, STATUS.",
    ),
    "es": (
        "P. ej.: enciende {first}, apaga {first}, STATUS.",
        "P. ej.: {first} esta encendido?, STATUS.",
    ),
    "nl": (
        "Bv.: zet {first} aan, zet {first} uit, STATUS.",
        "Bv.: staat {first} aan?, STATUS.",
    ),
}
