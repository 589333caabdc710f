"""Use-cases on top of the API client (bulk changes, registration batches, summaries).
No Textual or Rich here: progress is reported through plain callbacks."""
