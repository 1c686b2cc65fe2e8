"""Experiments built on the core: settings in, arrays out. One function per experiment, called by every page
that shows it."""
