"""/batch's sections: the settings, the channel table, the drawn batch and its charts, "Draw another batch" with the
lesson's stage, the images of a convolutional batch, the upload; state.py holds what they keep in the session."""
