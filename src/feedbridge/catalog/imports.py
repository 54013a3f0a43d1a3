"""Adding, editing, listing and removing a project's imports (where its product data comes from).

Every lookup is scoped by company through the import's project. Services add and flush; the caller owns
the transaction and commits. An import's whole configuration is an `ImportSpec`, validated before anything
is stored; a URL source's password is stored encrypted with the keyring, never in clear.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from feedbridge.catalog.errors import ImportNameTaken, ImportNotFound
from feedbridge.catalog.model import FeedError, FeedFormat, FieldType, ReadOptions
from feedbridge.catalog.models import Import, ImportRun, MergeMode, Snapshot
from feedbridge.catalog.parsing import validate_date_format
from feedbridge.catalog.project_items import rebuild_project_snapshot
from feedbridge.catalog.readers.encoding import normalise as normalise_encoding
from feedbridge.catalog.snapshot_rows import delete_files_after_commit
from feedbridge.catalog.sources import Source, SourceKind
from feedbridge.config import Settings
from feedbridge.encryption import Keyring
from feedbridge.errors import InvalidInput
from feedbridge.projects.services import get_project
from feedbridge.validation import MAX_NAME_LENGTH, clean_name

# What merchants type for a tab and friends; anything else must be one character.
_DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
_READ_OPTION_NAMES = ("format", "delimiter", "encoding", "item_element", "json_path", "zip_member")


@dataclass(frozen=True)
class ImportSpec:
    """Everything that configures an import except its name."""

    source: Source
    read_options: ReadOptions = field(default_factory=ReadOptions)
    unique_id_field: str | None = None  # None: proposed on each run
    field_types: dict[str, FieldType] = field(default_factory=dict)  # overrides of inferred types
    date_formats: dict[str, str] = field(default_factory=dict)  # custom formats, e.g. {"expires": "%d-%m-%Y"}
    merge_mode: MergeMode = MergeMode.OVERWRITE
    merge_key: str | None = None  # this import's field matched to the items' ID; None: its own unique ID
    merge_case_sensitive: bool = True
    max_drop_share: float | None = None  # None: FEEDBRIDGE_IMPORT_MAX_DROP_SHARE

    def validated(self) -> ImportSpec:
        """The spec with every value checked and normalised, or InvalidInput naming the value."""
        max_drop = self.max_drop_share
        if max_drop is not None and not 0 <= max_drop <= 1:
            raise InvalidInput("max drop share", f"{max_drop} must be between 0 and 1, e.g. 0.3 for 30%.")
        types = {_field_name(k, "field type"): parse_field_type(v) for k, v in self.field_types.items()}
        formats = {
            _field_name(k, "date format"): validate_date_format(v) for k, v in self.date_formats.items()
        }
        for name in formats:
            if types.get(name, FieldType.DATE) is not FieldType.DATE:
                raise InvalidInput("date format", f"{name!r} has a date format but is typed {types[name]}.")
        return dataclasses.replace(
            self,
            read_options=_checked_read_options(self.read_options),
            unique_id_field=_optional_field(self.unique_id_field, "unique ID field"),
            field_types=types,
            date_formats=formats,
            merge_mode=_merge_mode(self.merge_mode),
            merge_key=_optional_field(self.merge_key, "merge key"),
        )


def _field_name(value: str, what: str) -> str:
    name = value.strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        raise InvalidInput(what, f"needs a field name of 1 to {MAX_NAME_LENGTH} characters, not {value!r}.")
    return name


def _optional_field(value: str | None, what: str) -> str | None:
    return None if value is None or not value.strip() else _field_name(value, what)


def parse_field_type(value: str) -> FieldType:
    """A field type as typed by a merchant (`Number`, ` url `), or InvalidInput listing the types."""
    try:
        return FieldType(str(value).strip().lower())
    except ValueError:
        choices = ", ".join(t.value for t in FieldType)
        raise InvalidInput("field type", f"{value!r} is not a field type; use one of {choices}.") from None


def _merge_mode(value: str) -> MergeMode:
    try:
        return MergeMode(str(value).strip().lower())
    except ValueError:
        choices = ", ".join(m.value for m in MergeMode)
        raise InvalidInput("merge mode", f"{value!r} is not a merge mode; use one of {choices}.") from None


def _checked_read_options(options: ReadOptions) -> ReadOptions:
    fmt = FeedFormat(options.format) if options.format else None
    delimiter = options.delimiter
    if delimiter is not None:
        delimiter = _DELIMITER_NAMES.get(delimiter.lower(), delimiter)
        if len(delimiter) != 1 or delimiter in '\r\n"':
            raise InvalidInput(
                "delimiter", f"{options.delimiter!r} must be one character such as , ; | or tab."
            )
    if options.encoding:
        try:
            normalise_encoding(options.encoding, source="the import")
        except FeedError as error:
            raise InvalidInput("encoding", f"{error.reason}; {error.hint}.") from None
    for name, only in (
        ("delimiter", FeedFormat.CSV),
        ("item_element", FeedFormat.XML),
        ("json_path", FeedFormat.JSON),
    ):
        if getattr(options, name) and fmt is not None and fmt is not only:
            raise InvalidInput(
                name.replace("_", " "), f"applies to {only.value} feeds only, not {fmt.value}."
            )
    blanks = {
        n: None for n in ("encoding", "item_element", "json_path", "zip_member") if not getattr(options, n)
    }
    return dataclasses.replace(options, format=fmt, delimiter=delimiter, **blanks)


# --- storing and reading back --------------------------------------------------------------------------


def _store(imp: Import, spec: ImportSpec, keyring: Keyring | None, *, source_changed: bool) -> None:
    if source_changed:
        source = spec.source
        imp.source_kind = source.kind.value
        imp.source_location = str(source.path or source.url or source.upload_id)
        imp.source_username = source.username
        imp.source_password_encrypted = None
        if source.password is not None:
            if keyring is None:
                raise InvalidInput(
                    "password", "storing a password needs the encryption key; pass the keyring."
                )
            imp.source_password_encrypted = keyring.encrypt(source.password.get_secret_value())
    options: dict[str, Any] = {
        name: str(getattr(spec.read_options, name))
        for name in _READ_OPTION_NAMES
        if getattr(spec.read_options, name) is not None
    }
    options["field_types"] = {name: t.value for name, t in spec.field_types.items()}
    options["date_formats"] = dict(spec.date_formats)
    imp.read_options = options
    imp.unique_id_field = spec.unique_id_field
    imp.merge_mode = spec.merge_mode.value
    imp.merge_key = spec.merge_key
    imp.merge_case_sensitive = spec.merge_case_sensitive
    imp.max_drop_share = spec.max_drop_share
    # A changed configuration must be applied to the feed even when its bytes have not changed.
    imp.fetch_state = {}


def import_source(imp: Import, keyring: Keyring | None = None) -> Source:
    """The import's source; with a keyring, a URL source carries its decrypted password."""
    kind = SourceKind(imp.source_kind)
    if kind is SourceKind.FILE:
        return Source.from_file(Path(imp.source_location))
    if kind is SourceKind.UPLOAD:
        return Source.from_upload(imp.source_location)
    password = None
    if imp.source_password_encrypted and keyring is not None:
        password = keyring.decrypt(imp.source_password_encrypted, what=f"the password of import '{imp.name}'")
    return Source.from_url(imp.source_location, username=imp.source_username, password=password)


def import_spec(imp: Import, keyring: Keyring | None = None) -> ImportSpec:
    """The import's configuration as a spec (the password only when a keyring is given)."""
    stored = imp.read_options or {}
    options = ReadOptions(**{name: stored.get(name) for name in _READ_OPTION_NAMES})
    return ImportSpec(
        source=import_source(imp, keyring),
        read_options=dataclasses.replace(
            options, format=FeedFormat(options.format) if options.format else None
        ),
        unique_id_field=imp.unique_id_field,
        field_types={name: FieldType(t) for name, t in stored.get("field_types", {}).items()},
        date_formats=dict(stored.get("date_formats", {})),
        merge_mode=MergeMode(imp.merge_mode),
        merge_key=imp.merge_key,
        merge_case_sensitive=imp.merge_case_sensitive,
        max_drop_share=imp.max_drop_share,
    )


# --- services ------------------------------------------------------------------------------------------


def _ensure_name_free(session: Session, project_id: int, name: str) -> None:
    taken = select(Import.id).where(Import.project_id == project_id, Import.name == name)
    if session.scalar(taken) is not None:
        raise ImportNameTaken(name)


def add_import(
    session: Session,
    company_id: int,
    project_id: int,
    name: str,
    spec: ImportSpec,
    *,
    keyring: Keyring | None = None,
) -> Import:
    """A new import, placed after the project's others (the first one defines the items)."""
    project = get_project(session, company_id, project_id)
    name = clean_name(name, field="name")
    spec = spec.validated()
    _ensure_name_free(session, project.id, name)
    last = session.scalar(select(func.max(Import.position)).where(Import.project_id == project.id))
    imp = Import(project_id=project.id, name=name, position=0 if last is None else last + 1)
    _store(imp, spec, keyring, source_changed=True)
    session.add(imp)
    session.flush()
    return imp


def edit_import(
    session: Session,
    company_id: int,
    import_id: int,
    *,
    name: str | None = None,
    keyring: Keyring | None = None,
    **changes: Any,
) -> Import:
    """Rename the import and/or change fields of its `ImportSpec` (e.g. `unique_id_field="sku"`).

    Any change makes the next run read the feed again, even if its bytes are the same. A new `source`
    replaces the stored user name and password; other changes keep them.
    """
    imp = get_import(session, company_id, import_id)
    spec = None
    if changes:  # checked before anything changes, so a refused edit changes nothing
        unknown = set(changes) - {f.name for f in dataclasses.fields(ImportSpec)}
        if unknown:
            raise InvalidInput(", ".join(sorted(unknown)), "is not a setting of an import.")
        spec = dataclasses.replace(import_spec(imp), **changes).validated()
    if name is not None and clean_name(name, field="name") != imp.name:
        name = clean_name(name, field="name")
        _ensure_name_free(session, imp.project_id, name)
        imp.name = name
    if spec is not None:
        _store(imp, spec, keyring, source_changed="source" in changes)
    session.flush()
    return imp


def get_import(session: Session, company_id: int, import_id: int) -> Import:
    imp = session.get(Import, import_id)
    if imp is None:
        raise ImportNotFound(import_id)
    get_project(session, company_id, imp.project_id)  # raises for another company's project
    return imp


def find_import(session: Session, company_id: int, project_id: int, name: str) -> Import:
    """The project's import called `name` (as the CLI names imports)."""
    project = get_project(session, company_id, project_id)
    query = select(Import).where(Import.project_id == project.id, Import.name == " ".join(name.split()))
    imp = session.scalar(query)
    if imp is None:
        raise ImportNotFound(name)
    return imp


def list_imports(session: Session, company_id: int, project_id: int) -> list[Import]:
    """The project's imports in order: the first defines the items, later ones enrich or add."""
    project = get_project(session, company_id, project_id)
    query = select(Import).where(Import.project_id == project.id).order_by(Import.position, Import.id)
    return list(session.scalars(query))


def remove_import(session: Session, settings: Settings, company_id: int, import_id: int) -> None:
    """Forget the import, its runs and its snapshots (files deleted when the transaction commits), and
    rebuild the project's items without it."""
    imp = get_import(session, company_id, import_id)
    project_id = imp.project_id
    snapshots = list(session.scalars(select(Snapshot).where(Snapshot.import_id == imp.id)))
    session.execute(delete(ImportRun).where(ImportRun.import_id == imp.id))
    for snapshot in snapshots:
        session.delete(snapshot)
    session.delete(imp)
    session.flush()
    rebuild_project_snapshot(session, settings, project_id)
    delete_files_after_commit(session, snapshots)
