"""Configuration from the environment, checked before anything starts."""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bot.domain.disclosure import DEFAULT_MIN_GROUP, LOWEST_MIN_GROUP
from bot.domain.release_noise import Noise

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_BASE_FILE_URL = "https://api.telegram.org/file/bot"
DEFAULT_DATABASE = "selbstcheck.db"
DEFAULT_RETENTION_DAYS = 365
DEFAULT_LISTEN = "127.0.0.1"
DEFAULT_PORT = 8080
# Open connections from one address: room-sized (30 browsers with a few connections each);
# 0: no cap, behind a reverse proxy that gives every client its own address.
DEFAULT_CONNECTIONS_PER_ADDRESS = 256
# The listen settings' names before the browser channel shared the HTTP server
# with the webhook; still read when the new ones are not set.
_FORMER_NAMES = {"SELBSTCHECK_LISTEN": "SELBSTCHECK_WEBHOOK_LISTEN",
                 "SELBSTCHECK_PORT": "SELBSTCHECK_WEBHOOK_PORT"}

_TOKEN = re.compile(r"[0-9]+:[A-Za-z0-9_-]+")
# Telegram accepts 1-256 of these characters as a webhook secret token.
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class ConfigError(Exception):
    """The environment does not describe a runnable bot."""


@dataclass(frozen=True)
class Webhook:
    """Receive updates over HTTPS from Telegram instead of polling for them.

    The webhook is served by the same HTTP server as the browser channel, on
    the path of its public URL.
    """

    url: str
    secret: str

    @property
    def path(self) -> str:
        """The local path the server answers the webhook on: the public URL's path."""
        return urlsplit(self.url).path.strip("/")

    def __repr__(self) -> str:  # the secret must never reach a log
        return f"Webhook(url={self.url!r}, secret='***')"


@dataclass(frozen=True)
class Web:
    """The HTTP server: the browser channel (and the webhook, when configured)."""

    listen: str = DEFAULT_LISTEN
    port: int = DEFAULT_PORT
    public_url: str = f"http://{DEFAULT_LISTEN}:{DEFAULT_PORT}"  # links and QR codes, no "/"
    connections_per_address: int = DEFAULT_CONNECTIONS_PER_ADDRESS  # 0: no cap
    # Reverse proxies whose X-Forwarded-For names the client (addresses or networks); none
    # by default, so nobody can choose the address the throttle counts them under.
    trusted_proxies: tuple[str, ...] = ()

    @property
    def secure(self) -> bool:
        """Reached over https (behind a proxy): cookies are sent only over https then."""
        return self.public_url.startswith("https://")


@dataclass(frozen=True)
class Operator:
    """Who runs this bot: the controller (Art. 4 Nr. 7 DSGVO) people and officers turn to.

    A municipality's data-protection officer will not approve a bot whose
    privacy notice names nobody, so /datenschutz, the welcome and the PDF
    reports show these values, and the privacy notice says plainly when they
    are missing. A public body's site needs an Impressum: ``imprint_url`` is
    linked from every browser page's footer and from both PDF reports.
    """

    name: str | None = None
    contact: str | None = None
    dpo_contact: str | None = None  # the operator's data-protection officer
    imprint_url: str | None = None  # the operator's Impressum (legal notice), a web address

    @property
    def named(self) -> bool:
        return self.name is not None


@dataclass(frozen=True)
class Settings:
    token: str | None  # None: the browser channel alone
    database: str = DEFAULT_DATABASE
    base_url: str = DEFAULT_BASE_URL
    base_file_url: str = DEFAULT_BASE_FILE_URL
    questions_dir: Path | None = None
    reports_dir: Path | None = None  # the templates and texts, e.g. with a translation under way
    retention_days: int = DEFAULT_RETENTION_DAYS
    operator: Operator = Operator()
    webhook: Webhook | None = None
    min_group: int = DEFAULT_MIN_GROUP  # k: fewest people behind any workshop number shown
    web: Web = Web()
    # The workshop releases' noise source; never from the environment. None: the operating
    # system's, which nobody can predict. Tests set one to get known numbers.
    release_noise: Noise | None = None

    @property
    def secrets(self) -> tuple[str, ...]:
        """Strings that must never appear in a log line."""
        return (((self.token,) if self.token else ())
                + ((self.webhook.secret,) if self.webhook else ()))

    def __repr__(self) -> str:  # the token must never reach a log
        return (f"Settings(token='***', database={self.database!r}, "
                f"base_url={self.base_url!r}, base_file_url={self.base_file_url!r}, "
                f"questions_dir={self.questions_dir!r}, retention_days={self.retention_days}, "
                f"min_group={self.min_group}, webhook={self.webhook!r}, web={self.web!r})")


def settings_from_env(environ: Mapping[str, str] = os.environ) -> Settings:
    token = _get(environ, "TELEGRAM_BOT_TOKEN") or None
    if token is not None and not _TOKEN.fullmatch(token):
        raise ConfigError("TELEGRAM_BOT_TOKEN hat nicht die Form eines Bot-Tokens "
                          "(Zahl:Zeichenfolge, wie von @BotFather vergeben).")
    questions_dir = _get(environ, "SELBSTCHECK_QUESTIONS_DIR")
    reports_dir = _get(environ, "SELBSTCHECK_REPORTS_DIR")
    return Settings(
        token=token,
        database=database_from_env(environ),
        base_url=_get(environ, "TELEGRAM_BASE_URL") or DEFAULT_BASE_URL,
        base_file_url=_get(environ, "TELEGRAM_BASE_FILE_URL") or DEFAULT_BASE_FILE_URL,
        questions_dir=Path(questions_dir) if questions_dir else None,
        reports_dir=Path(reports_dir) if reports_dir else None,
        retention_days=_number(environ, "SELBSTCHECK_RETENTION_DAYS", DEFAULT_RETENTION_DAYS,
                               minimum=0, maximum=36500),
        operator=_operator(environ),
        webhook=_webhook(environ, token),
        min_group=_number(environ, "SELBSTCHECK_MIN_GROUP", DEFAULT_MIN_GROUP,
                          minimum=LOWEST_MIN_GROUP, maximum=100),
        web=_web(environ),
    )


def operator_warnings(operator: Operator, environ: Mapping[str, str] = os.environ) -> list[str]:
    """Lines to log at start-up: the bot runs without an operator, but not silently."""
    warnings = []
    if _get(environ, "SELBSTCHECK_PRIVACY_CONTACT"):
        replaced = ("wird ignoriert, weil SELBSTCHECK_OPERATOR_CONTACT gesetzt ist"
                    if _get(environ, "SELBSTCHECK_OPERATOR_CONTACT")
                    else "gilt als SELBSTCHECK_OPERATOR_CONTACT")
        warnings.append(f"SELBSTCHECK_PRIVACY_CONTACT ist veraltet und {replaced}; bitte "
                        "SELBSTCHECK_OPERATOR_CONTACT verwenden.")
    if not operator.named:
        warnings.append("SELBSTCHECK_OPERATOR_NAME ist nicht gesetzt: Die Datenschutzhinweise "
                        "nennen keine Verantwortlichen. Bitte SELBSTCHECK_OPERATOR_NAME und "
                        "SELBSTCHECK_OPERATOR_CONTACT setzen (und SELBSTCHECK_DPO_CONTACT für die "
                        "Datenschutzbeauftragten, SELBSTCHECK_IMPRINT_URL für das Impressum).")
    return warnings


def only_local(url: str) -> bool:
    """The address points at this machine (127.0.0.1, localhost): no phone in a room opens it."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def address_warning(web: Web) -> str | None:
    """One line to log at start-up when invitation links would point at this machine."""
    if not only_local(web.public_url):
        return None
    return (f"SELBSTCHECK_PUBLIC_URL ist nicht gesetzt: Links und QR-Codes zeigen auf "
            f"{web.public_url}, das nur dieser Rechner öffnen kann. Für einen Raum "
            "SELBSTCHECK_PUBLIC_URL auf die öffentliche Adresse setzen (hinter einem Reverse-"
            "Proxy) oder im lokalen Netz SELBSTCHECK_LISTEN=0.0.0.0 und "
            "SELBSTCHECK_PUBLIC_URL=http://<Adresse dieses Rechners>:<Port>.")


def database_from_env(environ: Mapping[str, str] = os.environ) -> str:
    """The database path alone: operator commands (backup, health) need no token."""
    return _get(environ, "SELBSTCHECK_DB") or DEFAULT_DATABASE


def _operator(environ: Mapping[str, str]) -> Operator:
    # SELBSTCHECK_PRIVACY_CONTACT, the older name, still works as the contact.
    contact = (_get(environ, "SELBSTCHECK_OPERATOR_CONTACT")
               or _get(environ, "SELBSTCHECK_PRIVACY_CONTACT"))
    imprint = _get(environ, "SELBSTCHECK_IMPRINT_URL")
    parts = urlsplit(imprint)
    if imprint and (parts.scheme not in ("http", "https") or not parts.hostname):
        raise ConfigError("SELBSTCHECK_IMPRINT_URL muss eine http://- oder https://-Adresse "
                          "sein, z. B. https://www.musterstadt.de/impressum.")
    return Operator(name=_get(environ, "SELBSTCHECK_OPERATOR_NAME") or None,
                    contact=contact or None,
                    dpo_contact=_get(environ, "SELBSTCHECK_DPO_CONTACT") or None,
                    imprint_url=imprint or None)


def _webhook(environ: Mapping[str, str], token: str | None) -> Webhook | None:
    url = _get(environ, "SELBSTCHECK_WEBHOOK_URL")
    if not url:
        return None
    if token is None:
        raise ConfigError("SELBSTCHECK_WEBHOOK_URL ist gesetzt, TELEGRAM_BOT_TOKEN aber nicht: "
                          "ohne Token gibt es keinen Telegram-Webhook.")
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise ConfigError("SELBSTCHECK_WEBHOOK_URL muss eine https://-Adresse sein "
                          "(Telegram liefert Webhooks nur über HTTPS).")
    secret = _get(environ, "SELBSTCHECK_WEBHOOK_SECRET")
    if not secret:
        raise ConfigError("SELBSTCHECK_WEBHOOK_SECRET fehlt: ohne geheimes Token nimmt der "
                          "Webhook-Modus Anfragen von jedem an.")
    if not _WEBHOOK_SECRET.fullmatch(secret):
        raise ConfigError("SELBSTCHECK_WEBHOOK_SECRET: 1 bis 256 Zeichen aus A-Z, a-z, 0-9, "
                          "_ und - verwenden.")
    return Webhook(url=url, secret=secret)


def _web(environ: Mapping[str, str]) -> Web:
    listen_name, port_name = (_setting_name(environ, name)
                              for name in ("SELBSTCHECK_LISTEN", "SELBSTCHECK_PORT"))
    listen = _get(environ, listen_name) or DEFAULT_LISTEN
    port = _number(environ, port_name, DEFAULT_PORT, minimum=1, maximum=65535)
    public_url = _get(environ, "SELBSTCHECK_PUBLIC_URL").rstrip("/")
    if not public_url:
        # Reachable from this machine: the address a person types into the browser.
        host = "127.0.0.1" if listen in ("0.0.0.0", "::", "") else listen
        host = f"[{host}]" if ":" in host else host
        public_url = f"http://{host}:{port}"
    parts = urlsplit(public_url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query \
            or parts.fragment:
        raise ConfigError("SELBSTCHECK_PUBLIC_URL muss eine http://- oder https://-Adresse "
                          "ohne ?- und #-Teil sein, z. B. https://selbstcheck.example.org.")
    per_address = _number(environ, "SELBSTCHECK_CONNECTIONS_PER_ADDRESS",
                          DEFAULT_CONNECTIONS_PER_ADDRESS, minimum=0, maximum=1_000_000)
    return Web(listen=listen, port=port, public_url=public_url,
               connections_per_address=per_address, trusted_proxies=_trusted_proxies(environ))


def _trusted_proxies(environ: Mapping[str, str]) -> tuple[str, ...]:
    """SELBSTCHECK_TRUSTED_PROXIES: comma-separated addresses or networks (10.0.0.0/8)."""
    proxies = tuple(item.strip() for item in _get(environ, "SELBSTCHECK_TRUSTED_PROXIES")
                    .split(",") if item.strip())
    for proxy in proxies:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise ConfigError("SELBSTCHECK_TRUSTED_PROXIES: kommagetrennte IP-Adressen oder "
                              f"Netze (z. B. 127.0.0.1, 172.16.0.0/12) angeben, nicht {proxy!r}."
                              ) from None
    return proxies


def _setting_name(environ: Mapping[str, str], name: str) -> str:
    """``name``, or its former name where only that one is set."""
    former = _FORMER_NAMES[name]
    if not _get(environ, name) and _get(environ, former):
        return former
    return name


def _get(environ: Mapping[str, str], name: str) -> str:
    return environ.get(name, "").strip()


def _number(environ: Mapping[str, str], name: str, default: int, *, minimum: int,
            maximum: int) -> int:
    raw = _get(environ, name)
    if not raw:
        return default
    if not raw.isdigit() or not minimum <= int(raw) <= maximum:
        raise ConfigError(f"{name} muss eine ganze Zahl von {minimum} bis {maximum} sein, "
                          f"nicht {raw!r}.")
    return int(raw)
