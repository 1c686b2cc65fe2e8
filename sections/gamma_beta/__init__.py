"""/gamma-beta's sections, one module each, in screen order: channel (the batch's channel every section shows),
drag (§1), target (practice), nonlinearity (§2), linear (§3), peaks (§4), shape (side question); state holds
what they share: γ and β per channel, and the batch's statistics."""
