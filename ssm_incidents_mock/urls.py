"""URL patterns for moto: its ``responses`` mock and its server route ssm-incidents here."""

from .responses import url_handler
from .wire.model import ENDPOINT_HOST

url_bases = [rf"https?://{ENDPOINT_HOST}"]

url_paths = {
    "{0}/(?P<operation>[a-zA-Z]+)$": url_handler,
    "{0}/tags/(?P<resourceArn>.+)$": url_handler,
}
