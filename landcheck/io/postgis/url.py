"""A PostGIS table as a layer source: its URL, parsed and shown without the password.

``postgresql://USER[:PASSWORD]@HOST[:PORT]/DB[?KEYWORDS]:SCHEMA.TABLE[(COLUMN)]`` —
libpq's URL (``postgresql://`` or ``postgres://``; percent-encoding, an IPv6 host in
brackets, a Unix-socket folder as a percent-encoded host, keywords such as
``sslmode=require`` or ``service=NAME``), then the table as the layer (the
``PATH:LAYER`` convention). Names with dots, quotes or capitals are written in
double quotes and only ever reach SQL as quoted identifiers. A password written
in the URL is kept apart (:attr:`PostGISSource.secret`) and scrubbed from every
text shown (:func:`redact`, :meth:`PostGISSource.scrub`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from landcheck.errors import InputDataError
from landcheck.io.schemes import SCHEMES, is_postgis_source
from landcheck.io.vector import LayerSource

__all__ = [
    "SCHEMES",
    "PostGISSource",
    "is_postgis_source",
    "parse_source",
    "parse_url",
    "quoted_identifier",
    "redact",
]

_FORM = "postgresql://USER@HOST:PORT/DB:SCHEMA.TABLE"


@dataclass(frozen=True)
class PostGISSource(LayerSource):
    """A PostGIS table as a layer source.

    ``path`` is the connection URL without its password and ``layer`` the
    table as written (``SCHEMA.TABLE``), so ``str(source)`` is the URL a user
    gave minus the secret, and records show it as they show files.

    Parameters
    ----------
    schema, table : str
        The table (unquoted names; ``public`` when the URL names no schema).
    column : str, optional
        The geometry column, when the URL names one.
    params : tuple of (str, str)
        libpq connection keywords (host, port, user, dbname, sslmode,
        service…), never the password.
    secret : str, optional
        The password written in the URL, if any; never shown.
    """

    schema: str = "public"
    table: str = ""
    column: str | None = None
    params: tuple[tuple[str, str], ...] = ()
    secret: str | None = field(default=None, repr=False, compare=False)

    @classmethod
    def parse(cls, text: str | os.PathLike[str], *, encoding: str | None = None) -> PostGISSource:
        """Parse ``postgresql://USER[:PASSWORD]@HOST[:PORT]/DB[?KEYWORDS]:SCHEMA.TABLE``.

        ``encoding`` is ignored: the server sends text as UTF-8.

        Raises
        ------
        InputDataError
            The URL is malformed or names no table; the message shows the
            URL without its password.

        Examples
        --------
        >>> source = PostGISSource.parse(
        ...     "postgresql://gis:s3cret@[::1]:6543/%E4%B8%80%E5%BC%A0%E5%9B%BE:plan.farmland")
        >>> str(source)
        'postgresql://gis@[::1]:6543/%E4%B8%80%E5%BC%A0%E5%9B%BE:plan.farmland'
        >>> source.schema, source.table, dict(source.params)["dbname"], dict(source.params)["host"]
        ('plan', 'farmland', '一张图', '::1')
        >>> PostGISSource.parse('postgres:///gis?service=prov:"Plan"."Farm.Land"(geom)').table
        'Farm.Land'
        """
        return parse_url(os.fspath(text))

    def scrub(self, text: str) -> str:
        """``text`` with the URL's password (as written and decoded) replaced by ``***``."""
        return _scrub(text, self.secret)

    @property
    def qualified(self) -> str:
        """``schema.table`` as SQL would quote it, for messages."""
        return f"{quoted_identifier(self.schema)}.{quoted_identifier(self.table)}"


def parse_source(text: str | os.PathLike[str], *, encoding: str | None = None) -> LayerSource:
    """A layer source from its text: a PostGIS URL or ``PATH[:LAYER]``.

    Examples
    --------
    >>> type(parse_source("postgresql://gis@db/plan:public.farmland")).__name__
    'PostGISSource'
    >>> parse_source("farmland.gpkg")
    LayerSource(path='farmland.gpkg', layer=None, encoding=None)
    """
    if is_postgis_source(text):
        return PostGISSource.parse(text, encoding=encoding)
    return LayerSource.parse(text, encoding=encoding)


def redact(text: str) -> str:
    """``text`` with the password of a PostGIS URL in it left out (any other text unchanged).

    For messages that echo what the user typed (``--layer farmland=postgresql://…``).

    Examples
    --------
    >>> redact("farmland=postgresql://gis:s3cret@db/plan:public.farmland")
    'farmland=postgresql://gis@db/plan:public.farmland'
    >>> redact("farmland=postgresql://gis:s3cret@db:port/plan")  # malformed: still left out
    'farmland=postgresql://gis@db:port/plan'
    >>> redact("postgresql://db:5x/plan?password=s3cret&sslmode=require")
    'postgresql://db:5x/plan?sslmode=require'
    >>> redact("farmland=a.gpkg")
    'farmland=a.gpkg'
    """
    start = max(text.lower().find(scheme) for scheme in SCHEMES)
    if start < 0:
        return text
    head, url = text[:start], text[start:]
    try:
        return head + str(PostGISSource.parse(url))
    except InputDataError:
        scheme, sep, rest = url.partition("://")
        at = rest.rfind("@", 0, _quoted_name_start(rest))
        if at >= 0:
            rest = rest[:at].partition(":")[0] + rest[at:]
        rest = re.sub(r"(?<=[?&])password=[^&]*&?", "", rest)
        return f"{head}{scheme}{sep}{rest}"


# --- parsing ---------------------------------------------------------------------------------


def _scrub(text: str, secret: str | None) -> str:
    if not secret:
        return text
    for form in sorted({secret, quote(secret, safe="")}, key=len, reverse=True):
        text = text.replace(form, "***")
    return text


def quoted_identifier(name: str) -> str:
    """``name`` as an SQL identifier in double quotes (inner quotes doubled).

    Examples
    --------
    >>> quoted_identifier('Farm"Land')
    '"Farm""Land"'
    """
    return '"' + name.replace('"', '""') + '"'


def _quoted_name_start(rest: str) -> int:
    """Where a quoted schema or table name begins in a URL's text (its length when none).

    A quoted name follows the layer's ':' or the schema's '.'; a '"' elsewhere is part of
    a password (which ended the user part there, and showed the password as a host).

    >>> _quoted_name_start('gis:pa"ss@db/plan:"my schema".t'), _quoted_name_start('gis@db/p:t')
    (18, 10)
    """
    found = re.search(r'(?<=[:.])"', rest)
    return found.start() if found else len(rest)


def _malformed(shown: str, why: str) -> InputDataError:
    return InputDataError(f"PostGIS source {shown!r}: {why}; write it as {_FORM}")


def parse_url(text: str, *, table: bool = True) -> PostGISSource:
    """The source a URL names; ``table=False`` allows a URL naming only a database."""
    text = text.strip()
    scheme, _, rest = text.partition("://")
    # the user part ends at the last '@' before any quoted table name, so a password with an
    # unencoded '/', '?' or '@' is still cut off whole (never shown as a host or database)
    at_index = rest.rfind("@", 0, _quoted_name_start(rest))
    userinfo, at, rest = (
        (rest[:at_index], "@", rest[at_index + 1 :]) if at_index >= 0 else ("", "", rest)
    )
    end = min((i for i in (rest.find("/"), rest.find("?")) if i >= 0), default=len(rest))
    hosts, tail = rest[:end], rest[end:]
    tail = tail[1:] if tail.startswith("/") else tail
    database, _, query = tail.partition("?")
    if ":" in database:
        database, _, layer = database.partition(":")
    else:  # the layer after the keywords: ...?sslmode=require:SCHEMA.TABLE
        head, colon, last = query.rpartition(":")
        layer = last if colon and "=" not in last and "&" not in last else ""
        query = head if layer else query
    user_raw, _, password_raw = userinfo.partition(":")
    secret = unquote(password_raw) if password_raw else None
    pairs = [p for p in query.split("&") if p]
    kept = []
    for pair in pairs:
        name, _, value = pair.partition("=")
        if unquote(name) == "password":
            secret = unquote(value) or secret
        else:
            kept.append(pair)
    shown = f"{scheme}://{user_raw + '@' if at else ''}{hosts}/{database}" + (
        f"?{'&'.join(kept)}" if kept else ""
    )
    if not layer and table:
        raise _malformed(shown, "it names no table (the layer after the last ':')")
    params: dict[str, str] = {}
    host_list, port_list = _hosts(hosts, shown)
    if any(host_list):
        params["host"] = ",".join(host_list)
    if any(port_list):
        params["port"] = ",".join(port_list)
    if user_raw:
        params["user"] = unquote(user_raw)
    if database:
        params["dbname"] = unquote(database)
    for pair in kept:
        name, _, value = (unquote(part) for part in pair.partition("="))
        if not name.replace("_", "").isalnum():
            raise _malformed(shown, f"{name!r} is not a connection keyword")
        params[name] = value
    schema, name, column = _table_name(unquote(layer), shown) if layer else ("", "", None)
    return PostGISSource(
        path=shown,
        layer=layer or None,
        schema=schema,
        table=name,
        column=column,
        params=tuple(params.items()),
        secret=secret,
    )


def _hosts(hosts: str, shown: str) -> tuple[list[str], list[str]]:
    """Host and port lists of ``host[:port][,host[:port]…]`` (IPv6 in brackets)."""
    names, ports = [], []
    for item in hosts.split(",") if hosts else []:
        if item.startswith("["):
            close = item.find("]")
            if close < 0:
                raise _malformed(shown, f"unclosed '[' in host {item!r}")
            name, port = item[1:close], item[close + 1 :].removeprefix(":")
        else:
            name, _, port = item.partition(":")
        if port and not port.isdigit():
            raise _malformed(shown, f"port {port!r} is not a number")
        names.append(unquote(name))
        ports.append(port)
    return names, ports


def _identifier(text: str, start: int, shown: str) -> tuple[str, int]:
    """One name at ``start``: double-quoted (``""`` is a quote in it), or up to ``.`` or ``(``."""
    if text.startswith('"', start):
        parts, i = [], start + 1
        while True:
            close = text.find('"', i)
            if close < 0:
                raise _malformed(shown, f"unclosed quote in the table name {text!r}")
            parts.append(text[i:close])
            if text.startswith('"', close + 1):
                parts.append('"')
                i = close + 2
                continue
            return "".join(parts), close + 1
    end = start
    while end < len(text) and text[end] not in '."()':
        end += 1
    if end == start:
        raise _malformed(shown, f"the table name {text!r} has an empty part")
    return text[start:end], end


def _table_name(text: str, shown: str) -> tuple[str, str, str | None]:
    """``(schema, table, column)`` of ``[SCHEMA.]TABLE[(COLUMN)]``."""
    first, i = _identifier(text, 0, shown)
    schema, table = "public", first
    if text.startswith(".", i):
        schema, (table, i) = first, _identifier(text, i + 1, shown)
    column = None
    if text.startswith("(", i):
        column, i = _identifier(text, i + 1, shown)
        if not text.startswith(")", i):
            raise _malformed(shown, f"expected ')' after the geometry column in {text!r}")
        i += 1
    if i != len(text):
        raise _malformed(shown, f"cannot read the table name {text!r} (quote odd names)")
    return schema, table, column
