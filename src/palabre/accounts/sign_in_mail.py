"""The e-mail carrying a guest's sign-in link, in French or English: plain text and HTML.
Pure: composing, not sending."""

from __future__ import annotations

import html
from dataclasses import dataclass

TEXT = {
    "en": {
        "subject": "Your sign-in link to Palabre",
        "hello": "Hello {name},",
        "open": "To sign in to Palabre, open this link within the hour (it works once):",
        "button": "Sign in",
        "ignore": "If you did not ask for it, ignore this message: nothing happens.",
    },
    "fr": {
        "subject": "Votre lien de connexion à Palabre",
        "hello": "Bonjour {name},",
        "open": "Pour vous connecter à Palabre, ouvrez ce lien dans l'heure (il sert une fois) :",
        "button": "Se connecter",
        "ignore": "Si vous ne l'avez pas demandé, ignorez ce message : rien ne se passera.",
    },
}


@dataclass(frozen=True)
class Mail:
    subject: str
    text: str
    html: str


def sign_in_mail(lang: str, name: str, link: str) -> Mail:
    lang = lang if lang in TEXT else "en"
    t = TEXT[lang]
    hello = t["hello"].format(name=" ".join(name.split()))
    text = "\n\n".join([hello, f"{t['open']}\n{link}", t["ignore"]]) + "\n"
    e = html.escape
    body = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"></head><body>'
        f"<p>{e(hello)}</p><p>{e(t['open'])}</p>"
        f'<p><a href="{e(link, quote=True)}">{e(t["button"])}</a></p><p>{e(link)}</p>'
        f"<p>{e(t['ignore'])}</p></body></html>"
    )
    return Mail(t["subject"], text, body)
