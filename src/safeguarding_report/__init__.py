"""Build a Local Safeguarding Children Partnership yearly report."""
