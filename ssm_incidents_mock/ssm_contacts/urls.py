"""URL patterns for moto: its ``responses`` mock and its server route ssm-contacts here."""

from . import SPEC
from .responses import url_handler

url_bases = [rf"https?://{SPEC.endpoint_host}"]

url_paths = {"{0}/$": url_handler}
