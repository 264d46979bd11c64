"""CDS Hooks: a screening card in the EHR, from the patient's FHIR data.

- ``screener.cds.hooks``: the services we offer (discovery), reading a hook call and gathering
  the patient's record from its prefetch or the EHR's FHIR server;
- ``screener.cds.screening``: screening that record (the medicines being ordered counted);
- ``screener.cds.cards``: the card a result becomes (summary, indicator, detail, links, a
  suggested lab order, the reasons offered for dismissing it);
- ``screener.cds.feedback``: the EHR's feedback on a card (accepted, or overridden and why), checked.

Above FHIR (which reads the record) and reports (whose words the card's detail uses); the HTTP
side is ``screener.web.cds``.
"""
