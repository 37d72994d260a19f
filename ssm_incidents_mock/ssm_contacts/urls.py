"""URL patterns for moto: its ``responses`` mock and its server route ssm-contacts here."""

from .responses import SPEC, url_handler

url_bases = [rf"https?://{SPEC.endpoint_host}"]

url_paths = {"{0}/$": url_handler}
