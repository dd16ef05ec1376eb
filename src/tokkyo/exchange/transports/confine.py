"""Remote paths confined to an endpoint's root (exchange.md §3: each partner account is
confined to its own directories). A path from a RemoteFile, a caller or a server's listing
is checked here before any I/O touches it: absolute paths, `..`, backslashes and NUL bytes
are refused outright rather than normalised, so no spelling of a path can leave the root."""

from __future__ import annotations

from pathlib import PurePosixPath

from tokkyo.exchange.transports.base import TransferRefused

#: Suffix of the temporary name a put writes to before renaming (never listed as a file).
STAGING_SUFFIX = ".tokkyo-part"


def relative(path: str) -> str:
    """`path` as a clean relative POSIX path ("a/b.xml"), or TransferRefused if it is
    absolute, contains `..`, a backslash or a NUL byte, or is empty."""
    if not path or "\x00" in path or "\\" in path:
        raise TransferRefused(f"remote path {path!r} refused: empty, or contains a NUL byte "
                              "or a backslash")
    if path.startswith("/"):
        raise TransferRefused(f"remote path {path!r} refused: absolute paths are outside "
                              "the endpoint's root")
    parts = [p for p in PurePosixPath(path).parts if p != "."]
    if ".." in parts:
        raise TransferRefused(f"remote path {path!r} refused: '..' would leave the "
                              "endpoint's root")
    if not parts:
        raise TransferRefused(f"remote path {path!r} refused: it names the root itself")
    return "/".join(parts)


def directory(path: str) -> str:
    """Like `relative`, but "" (the root itself) is allowed: a directory to list."""
    if path in ("", ".", "./"):
        return ""
    return relative(path.rstrip("/"))


def root_of(url_path: str) -> str:
    """The server-side root named by a URL's path ("/out/jp/" → "/out/jp"); "" for the
    login directory. `..` in the configured root is refused as well."""
    clean = url_path.strip("/")
    if not clean:
        return ""
    return "/" + relative(clean)


def join(root: str, rel: str) -> str:
    """The server-side path of `rel` (already checked) under `root`."""
    if not rel:
        return root or "."
    return f"{root}/{rel}" if root else rel


def staging(rel: str) -> str:
    """The temporary name a put writes `rel` to: a hidden sibling, renamed when whole."""
    head, _, name = rel.rpartition("/")
    hidden = f".{name}{STAGING_SUFFIX}"
    return f"{head}/{hidden}" if head else hidden


def listable(name: str) -> bool:
    """Whether a name a server listed is a real entry to report (not `.`, `..`, a name
    with a slash, nor one of tokkyo's own staging files)."""
    return (name not in ("", ".", "..") and "/" not in name and "\x00" not in name
            and not name.endswith(STAGING_SUFFIX))
