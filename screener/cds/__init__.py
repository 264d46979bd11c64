"""CDS Hooks: a screening card in the EHR, from the patient's FHIR data.

- ``screener.cds.services``: the services we offer (discovery) and their prefetch templates;
- ``screener.cds.calls``: reading a hook call, checked (``screener.cds.errors.HookError`` when it
  cannot be answered);
- ``screener.cds.gather``: gathering the patient's record (``screener.cds.record``) from the
  prefetch or the EHR's FHIR server; ``screener.cds.orders``: the orders being placed
  (order-select);
- ``screener.cds.screening``: screening that record (the medicines being ordered counted);
- ``screener.cds.cards``: the card a result becomes (summary, indicator, detail, links, a
  suggested lab order, the reasons offered for dismissing it);
- ``screener.cds.feedback``: the EHR's feedback on a card (accepted, or overridden and why), checked.

Above FHIR (which reads the record) and reports (whose words the card's detail uses); the HTTP
side is ``screener.web.cds``.
"""
