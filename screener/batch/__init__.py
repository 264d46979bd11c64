"""Batch screening: many records in, one entry per record out, in input order.

- ``records``: what reading yields (a record, an unreadable record, an unreadable source);
- ``readers``: files, folders and stdin as a stream of records, the format read from the content;
- ``json_lines``, ``json_array``, ``json_text``: the JSON formats, decoded strictly, one record at a time;
- ``writers``: JSON Lines, JSON or CSV output, written atomically to a file;
- ``runner``: screening the stream (in worker processes too) and the batch summary.
"""
