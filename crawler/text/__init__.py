"""The one text toolkit every layer uses: whitespace and Unicode folding (``fold``) and
HTTP-date reading (``httpdate``)."""
