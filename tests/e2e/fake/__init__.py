"""A fake Discord (REST and gateway) for end-to-end tests of the real discord.py client."""
