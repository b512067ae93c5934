"""Building blocks of the roundup parser.

The entry point is ``news.archive.parser.parse_roundup``.
"""
