"""The base of every wire model: tolerant on read, compact and stable on write."""

from pydantic import BaseModel, ConfigDict


class WireModel(BaseModel):
    """A JSON object lha reads and writes.

    Unknown fields are kept (``extra="allow"``) so a file written by a newer lha survives a fork
    made by an older one byte for byte in meaning. Models are frozen: events and items are shared
    between the UI, the recorder and the agent, and must not change under anyone's feet.
    """

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)

    def to_json(self) -> str:
        """One-line JSON without ``None`` fields, as written to rollouts and ``--json`` output."""
        return self.model_dump_json(exclude_none=True)

    def to_dict(self) -> dict[str, object]:
        return self.model_dump(mode="json", exclude_none=True)
