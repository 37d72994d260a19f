"""ssm-contacts, the Contacts half of Incident Manager: contacts, channels, engagements, pages, rotations.

The backend (``models.SSMContactsBackend``, one per account and region in ``models.ssmcontacts_backends``)
follows moto's layout; ``engagements.py`` is the clock that pages contacts stage by stage, and
``rotations.py`` computes on-call shifts.
"""
