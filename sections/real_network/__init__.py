"""/real-network's sections, one module each, called in screen order by pages/real-network.py."""
