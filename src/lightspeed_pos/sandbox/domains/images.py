"""Image uploads: ``POST Image.json``, ``Item/{itemID}/Image.json``, ``ItemMatrix/{id}/Image.json``.

The API takes these as ``multipart/form-data``: a ``data`` part holding JSON (``description``,
``ordering``, and for ``Image.json`` the ``itemID`` or ``itemMatrixID``) and an ``image`` file
part. Plain form fields of the same names are accepted too. The answer is the Image record with
the file's ``filename`` and ``size`` and a Cloudinary-style ``publicID``/``baseImageURL``; any
other body is a 400.
"""

from __future__ import annotations

import hashlib
import re
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from ..engine.formatting import bad_request, not_found, to_wire
from ..engine.relations import answer
from ..http.jsonbody import InvalidBody, parse_json
from ..http.messages import ApiRequest, ApiResponse
from .hooks import Ctx

BASE_IMAGE_URL = "https://res.cloudinary.com/lightspeed-retail/image/upload/"
UPLOAD_PATH = re.compile(r"(?:(Item|ItemMatrix)/([^/]+)/)?Image")
OWNERS = {"Item": "itemID", "ItemMatrix": "itemMatrixID"}


def form_parts(request: ApiRequest) -> dict[str, tuple[str | None, bytes]]:
    """name -> (filename, content) of a multipart/form-data body (400 if it is not one)."""
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data") or "boundary=" not in content_type:
        raise bad_request("Images are uploaded as multipart/form-data with an 'image' file part.")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=HTTP).parsebytes(head + request.body)
    parts: dict[str, tuple[str | None, bytes]] = {}
    if isinstance(message, EmailMessage) and message.is_multipart():
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            content = part.get_payload(decode=True)
            if isinstance(name, str) and isinstance(content, bytes):
                parts[name] = (part.get_filename(), content)
    if "image" not in parts:
        raise bad_request("The upload has no 'image' file part.")
    return parts


def form_data(parts: dict[str, tuple[str | None, bytes]]) -> dict[str, Any]:
    """The ``data`` JSON part, merged over any plain form fields."""
    fields: dict[str, Any] = {
        name: content.decode("utf-8", "replace")
        for name, (filename, content) in parts.items()
        if filename is None
    }
    raw = fields.pop("data", "")
    if raw:
        try:
            data = parse_json(raw)
        except InvalidBody as exc:
            raise bad_request("The 'data' part must be a JSON object.") from exc
        if not isinstance(data, dict):
            raise bad_request("The 'data' part must be a JSON object.")
        fields.update(data.get("Image", data) if isinstance(data.get("Image"), dict) else data)
    return fields


def upload_image(ctx: Ctx, rest: str, request: ApiRequest) -> ApiResponse:
    """Answer a POST to an image upload path (:data:`UPLOAD_PATH`)."""
    match = UPLOAD_PATH.fullmatch(rest)
    if match is None:
        raise not_found("Image", rest)
    owner, owner_id = match.group(1), match.group(2)
    if owner and ctx.store.get(owner, owner_id or "") is None:
        raise not_found(owner, owner_id)
    parts = form_parts(request)
    data = form_data(parts)
    links = {key: str(data.get(key) or "0") for key in OWNERS.values()}
    if owner:
        links = {**dict.fromkeys(OWNERS.values(), "0"), OWNERS[owner]: str(owner_id)}
    elif links == dict.fromkeys(OWNERS.values(), "0"):
        raise bad_request("An image must belong to an item (itemID) or a matrix (itemMatrixID).")
    for table, key in OWNERS.items():
        if links[key] != "0" and ctx.store.get(table, links[key]) is None:
            raise bad_request(f"{table} '{links[key]}' not found.")
    filename, content = parts["image"]
    name = filename or "image"
    image = ctx.store.table("Image").new(
        description=str(data.get("description", "")),
        filename=name,
        ordering=to_wire(data.get("ordering", 0), "integer"),
        size=str(len(content)),
        baseImageURL=BASE_IMAGE_URL,
        createTime=ctx.now,
        timeStamp=ctx.now,
        **links,
    )
    digest = hashlib.sha1(content).hexdigest()[:12]
    image["publicID"] = f"{ctx.store.account_id}/{image['imageID']}-{digest}"
    return answer(ctx.store, "Image", "Image", image, {})
