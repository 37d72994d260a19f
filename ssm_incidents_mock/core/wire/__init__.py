"""The rest-json wire of ssm-incidents, driven by the botocore model.

- ``codec``: the one JSON codec (request bodies in, response bodies and event data out);
- ``validate`` / ``render``: one small function per shape type, compiled once per shape;
- ``model``: the service model indexed once: operations, routes, checks, renderers;
- ``rest_json``: a transport-neutral request parsed into an operation and its validated input,
  and results and errors rendered as rest-json answers.
"""
