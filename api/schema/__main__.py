"""Print the schema's SDL: `python -m api.schema > api/schema.graphql`."""

from api.schema import build_schema
from api.settings import Settings

print(build_schema(Settings()).as_str())
