"""URL patterns for moto: its ``responses`` mock and its server route ssm-incidents here."""

from . import SPEC
from .responses import url_handler

url_bases = [rf"https?://{SPEC.endpoint_host}"]

url_paths = {
    "{0}/(?P<operation>[a-zA-Z]+)$": url_handler,
    "{0}/tags/(?P<resourceArn>.+)$": url_handler,
}
