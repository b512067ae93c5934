"""Builders and fakes shared by the tests and the benches (dev-only: not in the wheel).

``fake_discord`` (the fake Discord server), ``bot_harness`` (the real bot against it),
``feed_server`` (feed sites on 127.0.0.1), ``builders`` (roundups for the db tests),
``hostile`` (Hypothesis strategies for hostile input), ``cli_json`` (the CLI in-process).
``bench/`` imports these, never ``tests/``.
"""
