"""Building blocks of the roundup parser.

The entry point is ``news.roundup_parser.parse_roundup``.
"""
